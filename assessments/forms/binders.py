"""研考承辦's own file for a focus point of the binder: the same content checks as any evidence file."""

from django import forms

from measures.evidence_files import ACCEPT_ATTR, ALLOWED_TYPES_TEXT, inspect_upload


class BinderUploadForm(forms.Form):
    file = forms.FileField(
        label="自行上傳檔案",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=f"{ALLOWED_TYPES_TEXT}；每個檔案 10 MB 以內。",
        error_messages={"required": "請選擇要上傳的檔案。", "empty": "檔案是空的，請重新選擇檔案。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        return upload, inspect_upload(upload)
