"""Forms of the 定期管制考核."""

from django import forms

from measures.forms.fields import units_for_plan
from sq_portal.fields import RocDateField, clean_text
from sq_portal.roc_dates import format_roc

from ..models import ReviewItem


class ReviewOpenForm(forms.Form):
    title = forms.CharField(label="會議名稱", max_length=200, help_text="如「106年5月份管制考核」。")
    as_of = RocDateField(label="檢視基準日", help_text="依此日的進度提列逾期、落後與待填報的措施。")
    meeting_date = RocDateField(label="會議日期")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("請填寫會議名稱。", code="required")
        return title

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if not (self.plan.start_date <= day <= self.plan.end_date):
            raise forms.ValidationError(
                f"檢視基準日應在計畫執行期程內（{format_roc(self.plan.start_date)}至{format_roc(self.plan.end_date)}）。"
            )
        return day


REVIEW_ROW_WIDGETS = {"finding": forms.Textarea(attrs={"rows": 2}), "action": forms.Textarea(attrs={"rows": 2})}


class ReviewRowForm(forms.ModelForm):
    """What every row of a 管制考核 asks (a measure's, a 電話禮貌測試 unit's): finding, action, follow-up date
    and decision; 繼續列管 needs a follow-up date."""

    follow_up_due = RocDateField(label="追蹤期限", required=False)

    def clean_finding(self) -> str:
        return clean_text(self.cleaned_data["finding"])

    def clean_action(self) -> str:
        return clean_text(self.cleaned_data["action"])

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewItem.Decision.KEEP and not data.get("follow_up_due"):
            self.add_error("follow_up_due", "繼續列管時請填追蹤期限。")
        return data


class ReviewItemForm(ReviewRowForm):
    class Meta:
        model = ReviewItem
        fields = ["finding", "action", "follow_up_unit", "follow_up_due", "decision"]
        widgets = REVIEW_ROW_WIDGETS


class BaseReviewItemFormSet(forms.BaseModelFormSet):
    """All items of one review; the unit list is read once and shared by every row."""

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        units = units_for_plan(plan)
        choices = [("", "（未指定）")] + [(u.pk, u.name) for u in units]
        for form in self.forms:
            form.fields["follow_up_unit"].queryset = units
            form.fields["follow_up_unit"].choices = choices


ReviewItemFormSet = forms.modelformset_factory(
    ReviewItem, form=ReviewItemForm, formset=BaseReviewItemFormSet, extra=0, can_delete=False, edit_only=True
)
