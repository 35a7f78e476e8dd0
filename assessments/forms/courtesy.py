"""Forms of the 電話禮貌測試: recording a test, and a review's items for units below the pass score."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from sq_portal.fields import NoNullCharField, RocDateField, clean_text, hint_year
from sq_portal.roc_dates import format_roc

from ..models import ReviewCourtesyItem
from .proposals import UnitChoiceField, organization_units
from .reviews import REVIEW_ROW_WIDGETS, ReviewRowForm

SCORE_MESSAGES = {
    "invalid": "請輸入 0 到 100 的分數。",
    "min_value": "分數應介於 0 到 100 之間。",
    "max_value": "分數應介於 0 到 100 之間。",
    "max_decimal_places": "分數最多到小數一位。",
    "max_digits": "分數應介於 0 到 100 之間。",
    "max_whole_digits": "分數應介於 0 到 100 之間。",
}


class CourtesyTestForm(forms.Form):
    unit = UnitChoiceField(label="受測單位", queryset=None, empty_label=None)
    tested_on = RocDateField(label="測試日期")
    score = forms.DecimalField(
        label="分數", min_value=0, max_value=100, max_digits=4, decimal_places=1, error_messages=SCORE_MESSAGES,
        help_text="0 到 100 分，可到小數一位。",
    )
    tester = NoNullCharField(label="測試人員", max_length=60)
    findings = NoNullCharField(
        label="測試發現", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="應對態度、用語、轉接等優劣事項。"
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)
        self.fields["unit"].queryset = organization_units(plan)
        self.fields["unit"].error_messages["invalid_choice"] = "請從清單中選擇受測單位。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "儲存"))

    def clean_tested_on(self):
        day = self.cleaned_data["tested_on"]
        if not (self.plan.start_date <= day <= self.plan.end_date):
            raise forms.ValidationError(
                f"測試日期應在計畫執行期程內（{format_roc(self.plan.start_date)}至{format_roc(self.plan.end_date)}）。"
            )
        return day

    def clean_tester(self) -> str:
        tester = clean_text(self.cleaned_data["tester"])
        if not tester:
            raise forms.ValidationError("請填寫測試人員。", code="required")
        return tester

    def clean_findings(self) -> str:
        return clean_text(self.cleaned_data["findings"])


class ReviewCourtesyItemForm(ReviewRowForm):
    class Meta:
        model = ReviewCourtesyItem
        fields = ["finding", "action", "follow_up_due", "decision"]
        widgets = REVIEW_ROW_WIDGETS


class BaseReviewCourtesyItemFormSet(forms.BaseModelFormSet):
    """The 電話禮貌測試 rows of one review, their date hints of the plan's year."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            hint_year(form, plan.year)


ReviewCourtesyItemFormSet = forms.modelformset_factory(
    ReviewCourtesyItem,
    form=ReviewCourtesyItemForm,
    formset=BaseReviewCourtesyItemFormSet,
    extra=0,
    can_delete=False,
    edit_only=True,
)
COURTESY_PREFIX = "courtesy"
