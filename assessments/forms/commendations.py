"""Forms of the 獎懲."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms

from sq_portal.fields import NoNullCharField, RocDateField, clean_text, hint_year
from sq_portal.roc_dates import format_roc

from ..models import Commendation, ControlReview, CourtesyTest
from .proposals import UnitChoiceField, organization_units


class ReviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ControlReview) -> str:
        return f"{obj.title}（{format_roc(obj.meeting_date)}）"


class CourtesyTestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourtesyTest) -> str:
        return f"{obj.unit.name} {format_roc(obj.tested_on)} {obj.score} 分"


class CommendationForm(forms.Form):
    unit = UnitChoiceField(label="單位", queryset=None, empty_label=None, help_text="受獎懲的單位，或受獎懲同仁所屬的單位。")
    person_title = NoNullCharField(label="職稱", max_length=60, required=False)
    person_name = NoNullCharField(label="姓名", max_length=60, required=False, help_text="對單位的獎懲留空。")
    kind = forms.ChoiceField(label="獎懲種類", choices=Commendation.Kind.choices)
    times = forms.TypedChoiceField(label="次數", choices=Commendation.Times.choices, coerce=int, initial=1)
    decided_on = RocDateField(label="核定日期")
    reason = NoNullCharField(label="獎懲事由", widget=forms.Textarea(attrs={"rows": 3}))
    review = ReviewChoiceField(label="依據之管制考核", queryset=None, required=False, empty_label="（無）")
    courtesy_test = CourtesyTestChoiceField(label="依據之電話禮貌測試", queryset=None, required=False, empty_label="（無）")
    finding = NoNullCharField(
        label="考核所見", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="平時考核或督考所見；未選管制考核或電話禮貌測試時必填。",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)
        self.fields["unit"].queryset = organization_units(plan)
        self.fields["review"].queryset = ControlReview.objects.filter(plan=plan).order_by("-as_of", "-pk")
        self.fields["courtesy_test"].queryset = CourtesyTest.objects.filter(plan=plan).select_related("unit").order_by("-tested_on", "-pk")
        for name, label in [("unit", "單位"), ("review", "管制考核"), ("courtesy_test", "電話禮貌測試"), ("kind", "獎懲種類"), ("times", "次數")]:
            self.fields[name].error_messages["invalid_choice"] = f"請從清單中選擇{label}。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("對象", "unit", Div(Div("person_title", css_class="col-md-4"), Div("person_name", css_class="col-md-8"), css_class="row")),
            Fieldset("獎懲", Div(Div("kind", css_class="col-md-4"), Div("times", css_class="col-md-4"), Div("decided_on", css_class="col-md-4"), css_class="row"), "reason"),
            Fieldset("依據", "review", "courtesy_test", "finding"),
            Submit("save", "儲存"),
        )

    def clean_reason(self) -> str:
        reason = clean_text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("請填寫獎懲事由。", code="required")
        return reason

    def clean_person_name(self) -> str:
        return clean_text(self.cleaned_data["person_name"])

    def clean_person_title(self) -> str:
        return clean_text(self.cleaned_data["person_title"])

    def clean_finding(self) -> str:
        return clean_text(self.cleaned_data["finding"])

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day < self.plan.start_date:
            raise forms.ValidationError(f"核定日期不可早於計畫執行期程起日（{format_roc(self.plan.start_date)}）。")
        return day

    def clean(self):
        data = super().clean()
        if data.get("person_title") and not data.get("person_name"):
            self.add_error("person_name", "填寫職稱時請一併填寫姓名。")
        if not (data.get("review") or data.get("courtesy_test") or data.get("finding")) and not self.has_error("review"):
            self.add_error(None, "請選擇所依據的管制考核或電話禮貌測試，或填寫考核所見。")
        test, unit = data.get("courtesy_test"), data.get("unit")
        if test and unit and test.unit_id != unit.pk:
            self.add_error("courtesy_test", f"所選的電話禮貌測試是{test.unit.name}的測試，與獎懲單位不同。")
        return data
