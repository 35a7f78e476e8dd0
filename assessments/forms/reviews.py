"""Forms of the 定期管制考核."""

from django import forms

from diagnosis.models import Unit
from measures.forms.fields import UnitsByParent
from sq_portal.fields import RocDateField, clean_text, hint_year
from sq_portal.roc_dates import format_roc

from ..models import ReviewItem


class ReviewOpenForm(forms.Form):
    title = forms.CharField(label="會議名稱", max_length=200, help_text="如「106年5月份管制考核」。")
    as_of = RocDateField(label="檢視基準日", help_text="依此日的進度提列逾期、落後與待填報的措施。")
    meeting_date = RocDateField(label="會議日期")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)

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


class UnitsByParentOrNone(UnitsByParent):
    """The grouped units, after the field's blank choice."""

    def __len__(self):
        return super().__len__() + 1

    def __iter__(self):
        yield ("", self.field.empty_label)
        yield from super().__iter__()


class FollowUpUnitField(forms.ModelChoiceField):
    """追蹤單位: the plan's own organisation and its units, grouped by the unit tree."""

    iterator = UnitsByParentOrNone
    offered = None

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ReviewItemForm(ReviewRowForm):
    follow_up_unit = FollowUpUnitField(
        label="追蹤單位", queryset=Unit.objects.none(), required=False, empty_label="（未指定）",
        help_text="本計畫機關或其所屬單位；繼續列管時必填。",
    )

    class Meta:
        model = ReviewItem
        fields = ["finding", "action", "follow_up_unit", "follow_up_due", "decision"]
        widgets = REVIEW_ROW_WIDGETS

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewItem.Decision.KEEP and not data.get("follow_up_unit") and "follow_up_unit" not in self.errors:
            self.add_error("follow_up_unit", "繼續列管時請選擇追蹤單位。")
        return data


def follow_up_units(plan):
    """The units a follow-up may be assigned to: the plan's organisation and every unit below it, in tree order."""
    return Unit.objects.within(plan.organization).in_tree_order()


class BaseReviewItemFormSet(forms.BaseModelFormSet):
    """All items of one review; the unit list is read once and shared by every row."""

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        units = follow_up_units(plan)
        choices = None
        invalid = f"追蹤單位須為{plan.organization.name}或其所屬單位，請從清單中選擇。"
        for form in self.forms:
            hint_year(form, plan.year)
            field = form.fields["follow_up_unit"]
            field.queryset = units
            field.error_messages["invalid_choice"] = invalid
            if choices is None:
                choices = list(field.choices)
            field.choices = choices

    def total_form_count(self) -> int:
        """No more rows than the review has items, whatever a forged management form claims."""
        return min(super().total_form_count(), len(self.get_queryset()))


ReviewItemFormSet = forms.modelformset_factory(
    ReviewItem, form=ReviewItemForm, formset=BaseReviewItemFormSet, extra=0, can_delete=False, edit_only=True
)
