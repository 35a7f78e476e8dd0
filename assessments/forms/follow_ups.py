"""The 追蹤單位's answer to a follow-up (列管追蹤)."""

from django import forms

from measures.forms.report_forms import MultipleEvidenceField
from sq_portal.fields import NoNullCharField, clean_text


class FollowUpAnswerForm(forms.Form):
    text = NoNullCharField(
        label="辦理情形", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": "請填寫辦理情形。", "max_length": "辦理情形請在 5000 字以內。"},
    )
    evidence = MultipleEvidenceField(
        label="佐證資料", required=False,
        help_text="可選多個檔案：PDF、圖片、Office 或 ODF 文件，每個檔案 10 MB 以內；已上傳的檔案保留。",
    )

    def clean_text(self) -> str:
        text = clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("請填寫辦理情形。", code="required")
        return text
