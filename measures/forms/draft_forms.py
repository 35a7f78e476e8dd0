"""The form a unit head fills to turn a problem found in the 組織診斷 into a measure draft."""

from django import forms

from diagnosis.forms import TEXT_MAX
from sq_portal.fields import NoNullCharField, clean_text


class MeasureDraftForm(forms.Form):
    name = NoNullCharField(label="措施名稱", max_length=200)
    content = NoNullCharField(
        label="措施內容", required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="擬採行的改善作法；研考承辦採行後列入附表2，由本單位主辦。",
    )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("請填寫措施名稱。", code="required")
        return name

    def clean_content(self) -> str:
        return clean_text(self.cleaned_data["content"])
