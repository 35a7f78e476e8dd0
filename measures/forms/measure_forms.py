"""Forms staff use to edit a measure, its planned progress and its indicators."""

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms

from diagnosis.models import FocusPoint, Item
from sq_portal.fields import RocDateField, clean_text, hint_year
from sq_portal.roc_dates import format_roc

from ..models import Indicator, Measure
from ..plan_units import is_inside, outside_message, units_inside
from .fields import FocusPointSelect, UnitTreeMultipleChoiceField, units_for_plan

FORM1_UNITS_NOTE = "附表1 的具體作法由本分局辦理：請指定本分局的主辦／協辦單位；未指定前由研考承辦以本分局名義填報。"


class MeasureForm(forms.Form):
    item = forms.ModelChoiceField(label="評核項目", queryset=Item.objects.none(), empty_label=None)
    focus_point = forms.ModelChoiceField(
        label="評核重點", queryset=FocusPoint.objects.none(), required=False, empty_label="（不指定）", widget=FocusPointSelect
    )
    source = forms.ChoiceField(label="來源", choices=Measure.Source.choices)
    name = forms.CharField(label="措施名稱", max_length=200)
    content = forms.CharField(label="措施內容", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    lead_units = UnitTreeMultipleChoiceField(label="主辦單位", queryset=None, required=False)
    support_units = UnitTreeMultipleChoiceField(label="協辦單位", queryset=None, required=False)
    all_units = forms.BooleanField(label="各單位均須辦理", required=False)
    responsible_text = forms.CharField(
        label="承辦單位（列印文字）",
        max_length=300,
        required=False,
        help_text=(
            "附表列印的承辦單位文字。附表1 照警察局原文列印，更改主辦／協辦單位不會改變它；"
            "附表2 空白時依單位自動組成，更改單位時若未一併修改，與原單位相符的文字改依新單位組成，另有寫法的保留原文。"
        ),
    )
    ongoing = forms.BooleanField(label="賡續辦理", required=False, help_text="持續辦理、每月檢討者勾選，不填完成期限。")
    deadline = RocDateField(label="完成期限", required=False, help_text="民國日期，如 {example}。")
    listed_on = RocDateField(
        label="列管日期", required=False, help_text="自此日起列入進度管考；留空為今天（限計畫執行期程內）。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    MISSING_VERSION = "此表單缺少開啟時的版本資訊，無法確認期間是否有人修改；請重新開啟編修頁面後再儲存。"

    def __init__(self, *args, plan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)
        self.editing = editing  # changing a stored measure: the version it was opened at is required
        self.fields["item"].queryset = Item.objects.filter(dimension__plan=plan).select_related("dimension").order_by(
            "dimension__position", "position"
        )
        self.fields["item"].label_from_instance = lambda item: f"{item.dimension.name}／{item.name}"
        self.fields["focus_point"].queryset = FocusPoint.objects.filter(item__dimension__plan=plan).select_related(
            "item"
        ).order_by("item__dimension__position", "item__position", "position")
        self.fields["focus_point"].label_from_instance = lambda fp: f"{fp.item.name}／{fp.name}"
        # Only the organisation's units are listed; the agency's are accepted, so that one posted from outside
        # the organisation is refused by name (clean_lead_units), not as an unknown choice.
        offered, accepted = units_inside(plan), units_for_plan(plan)
        for name in ("lead_units", "support_units"):
            self.fields[name].offered = offered
            self.fields[name].queryset = accepted
        units = Fieldset(
            "承辦單位",
            Div(
                Div(Field("lead_units", template="measures/_unit_tree_field.html"), css_class="col-md-6"),
                Div(Field("support_units", template="measures/_unit_tree_field.html"), css_class="col-md-6"),
                css_class="row",
            ),
            "all_units",
            "responsible_text",
            template="measures/_units_fieldset.html",
        )
        units.note = FORM1_UNITS_NOTE if self.source_value() == Measure.Source.FORM1 else ""
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("歸屬", "item", "focus_point", "source"),
            Fieldset("內容", "name", "content"),
            units,
            Fieldset("期限", "ongoing", "deadline", "listed_on"),
            Field("version"),
            Div(Submit("save", "儲存"), css_class="sticky-actions"),
        )

    def source_value(self) -> str:
        """The source as posted, or as the form opened."""
        if self.is_bound:
            return self.data.get(self.add_prefix("source"), "")
        return self.get_initial_for_field(self.fields["source"], "source") or ""

    def _units_inside(self, name: str) -> list:
        units = self.cleaned_data[name]
        outside = [u for u in units if not is_inside(self.plan, u)]
        if outside:
            raise forms.ValidationError(outside_message(self.plan, outside, name), code="outside_organization")
        return units

    def clean_lead_units(self):
        return self._units_inside("lead_units")

    def clean_support_units(self):
        return self._units_inside("support_units")

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("請填寫措施名稱。", code="required")
        return name

    def clean_content(self) -> str:
        return clean_text(self.cleaned_data["content"])

    def clean_responsible_text(self) -> str:
        return clean_text(self.cleaned_data["responsible_text"])

    def clean(self):
        data = super().clean()
        if self.editing and data.get("version") is None and "version" not in self.errors:
            self.add_error(None, self.MISSING_VERSION)  # a hidden field shows no error of its own
        item, focus_point = data.get("item"), data.get("focus_point")
        if item and focus_point and focus_point.item_id != item.pk:
            self.add_error("focus_point", f"評核重點「{focus_point.name}」不屬於評核項目「{item.name}」。")
        deadline, ongoing = data.get("deadline"), data.get("ongoing")
        if deadline and ongoing:
            self.add_error("deadline", "已勾選賡續辦理時不填完成期限；請擇一。")
        if deadline and not (self.plan.start_date <= deadline <= self.plan.end_date):
            self.add_error(
                "deadline",
                f"完成期限應在計畫執行期程內（{format_roc(self.plan.start_date)}至{format_roc(self.plan.end_date)}）。",
            )
        listed_on = data.get("listed_on")
        if listed_on and not (self.plan.start_date <= listed_on <= self.plan.end_date):
            self.add_error(
                "listed_on",
                f"列管日期應在計畫執行期程內（{format_roc(self.plan.start_date)}至{format_roc(self.plan.end_date)}）。",
            )
        overlap = set(data.get("lead_units") or []) & set(data.get("support_units") or [])
        if overlap:
            names = "、".join(u.name for u in overlap)
            self.add_error("support_units", f"{names} 已是主辦單位，不能同時列為協辦單位。")
        return data

    def ordered_units(self, name: str) -> list:
        """The chosen units in tree order (a multiple select does not keep the order clicked)."""
        chosen = {u.pk for u in self.cleaned_data.get(name) or []}
        return [u for u in self.fields[name].queryset if u.pk in chosen]

    @classmethod
    def initial_for(cls, measure: Measure) -> dict:
        return {
            "item": measure.item_id,
            "focus_point": measure.focus_point_id,
            "source": measure.source,
            "name": measure.name,
            "content": measure.content,
            "lead_units": [u.pk for u in measure.lead_units.all()],
            "support_units": [u.pk for u in measure.support_units.all()],
            "all_units": measure.all_units,
            "responsible_text": measure.responsible_text,
            "ongoing": measure.ongoing,
            "deadline": measure.deadline,
            "listed_on": measure.listed_on,
            "version": measure.version,
        }


def plan_months(plan) -> list[date]:
    """First day of every month of the plan's period."""
    months = []
    current = plan.start_date.replace(day=1)
    while current <= plan.end_date:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


class PlannedProgressForm(forms.Form):
    """累計預定進度，每月一欄；空白表示該月不設。"""

    def __init__(self, *args, plan, deadline: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = plan_months(plan)
        # The last month that may hold a planned value: the deadline's (賡續辦理 and undated: the plan's last).
        self.deadline = deadline
        self.last_month = deadline.replace(day=1) if deadline else self.months[-1]
        for month in self.months:
            self.fields[self.field_name(month)] = forms.IntegerField(
                label=format_roc(month, "month"),
                min_value=0,
                max_value=100,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "min_value": "預定進度應介於 0 到 100 之間。",
                    "max_value": "預定進度應介於 0 到 100 之間。",
                    "invalid": "請輸入 0 到 100 的整數。",
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    @staticmethod
    def field_name(month: date) -> str:
        return f"m{month:%Y%m}"

    def clean(self):
        data = super().clean()
        previous = None
        for month in self.months:
            value = data.get(self.field_name(month))
            if value is None:
                continue
            if month > self.last_month:
                self.add_error(
                    self.field_name(month),
                    f"完成期限為 {format_roc(self.deadline, 'long')}，不可在其後的 {format_roc(month, 'month')} 設定預定進度。",
                )
                continue
            if previous is not None and value < previous[1]:
                self.add_error(
                    self.field_name(month),
                    f"預定進度不可逐月減少：{format_roc(month, 'month')}（{value}%）低於 "
                    f"{format_roc(previous[0], 'month')}（{previous[1]}%）。",
                )
            previous = (month, value)
        return data

    def values(self) -> dict[date, int | None]:
        return {month: self.cleaned_data.get(self.field_name(month)) for month in self.months}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "target_value", "baseline_year", "baseline_value"]
        help_texts = {"baseline_year": "民國年，如 105；無基準值時兩欄都留空。"}
        error_messages = {
            "target_value": {"invalid": "請輸入數字。"},
            "baseline_value": {"invalid": "請輸入數字。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "儲存"))

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"])

    def clean(self):
        data = super().clean()
        if data.get("target_value") is not None and data["target_value"] < 0:
            self.add_error("target_value", "目標值不可為負數。")
        if (data.get("baseline_year") is None) != (data.get("baseline_value") is None):
            self.add_error("baseline_value", "基準年與基準年實際值須同時填寫或同時留空。")
        return data
