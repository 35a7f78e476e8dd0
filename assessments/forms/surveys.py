"""Forms of the 服務評價 pages: a survey's design and sampling, its results, a month of 陳情案件, an upload."""

import re
import unicodedata
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms

from sq_portal.fields import RocDateField, YearHint, clean_text, hint_year
from sq_portal.roc_dates import ROC_OFFSET

from ..models import SatisfactionSurvey, SurveyResult
from ..survey_writes import PetitionFigures, ResultFigures

COUNT_ERRORS = {
    "invalid": "請填整數。",
    "min_value": "請填 0 以上的整數。",
    "max_value": "數字過大，請確認。",
}
COUNT_MAX = 10_000_000


def count_field(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=COUNT_MAX, error_messages=COUNT_ERRORS,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "form-control form-control-sm"}),
        **kwargs,
    )


# --- 民國年月 ---------------------------------------------------------------------------------------------
MONTH_RE = re.compile(r"(?P<roc>民國)?\s*(?P<y>\d{1,4})\s*(?:[/.\-]|年)\s*(?P<m>\d{1,2})\s*(?:月份?)?")
MONTH_FORMAT_ERROR = "月份格式無法辨識，請輸入如 106/05、106.5 或 106年5月。"


def parse_roc_month(text: str) -> date:
    """`106/05`, `106/5`, `106.5`, `106年5月`, `民國106年5月份`, `2017-05` → the first of that month."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    match = MONTH_RE.fullmatch(raw)
    if match is None:
        raise forms.ValidationError(MONTH_FORMAT_ERROR, code="invalid")
    year = int(match["y"])
    if match["roc"] or len(match["y"]) <= 3:
        year += ROC_OFFSET
    month = int(match["m"])
    if year <= ROC_OFFSET or not 1 <= month <= 12:
        raise forms.ValidationError(f"{text} 不是有效的月份。", code="invalid_month")
    return date(year, month, 1)


def format_roc_month(month: date) -> str:
    return f"{month.year - ROC_OFFSET}/{month.month:02d}"


class RocMonthField(YearHint, forms.Field):
    """A 民國 month (106/05); its hints name the plan's year (`hint_year`)."""

    widget = forms.TextInput(attrs={"placeholder": "例："})
    example_style = "month"

    def to_python(self, value):
        if isinstance(value, date):
            return value.replace(day=1)
        value = (value or "").strip()
        if not value:
            return None
        return parse_roc_month(value)

    def prepare_value(self, value):
        return format_roc_month(value) if isinstance(value, date) else value


# --- 調查 ------------------------------------------------------------------------------------------------
class SurveyForm(forms.ModelForm):
    period_start = RocDateField(label="調查期間起日")
    period_end = RocDateField(label="調查期間迄日")

    class Meta:
        model = SatisfactionSurvey
        fields = ["title", "period_start", "period_end", "design", "sampling_method", "population", "sample_size", "notes"]
        widgets = {
            "design": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "population": forms.NumberInput(attrs={"min": 1}),
            "sample_size": forms.NumberInput(attrs={"min": 1}),
        }
        error_messages = {
            "population": {"min_value": "請填 0 以上的整數。", "invalid": "請填整數。"},
            "sample_size": {"min_value": "請填 0 以上的整數。", "invalid": "請填整數。"},
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)
        self.fields["sampling_method"].choices = [("", "（請選擇）")] + list(SatisfactionSurvey.Sampling.choices)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("調查", "title", Div(Div("period_start", css_class="col-md-6"), Div("period_end", css_class="col-md-6"), css_class="row"), "design"),
            Fieldset(
                "抽樣設計",
                "sampling_method",
                Div(Div("population", css_class="col-md-6"), Div("sample_size", css_class="col-md-6"), css_class="row"),
            ),
            "notes",
            Submit("save", "儲存"),
        )

    def clean_title(self) -> str:
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("請填寫調查名稱。", code="required")
        return title

    def clean_design(self) -> str:
        return clean_text(self.cleaned_data["design"])

    def clean_notes(self) -> str:
        return clean_text(self.cleaned_data["notes"])

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "調查期間迄日不可早於起日。")
        population, sample = data.get("population"), data.get("sample_size")
        if population is not None and population < 1:
            self.add_error("population", "母體數須為 1 以上；未知時請留空。")
        if sample is not None and sample < 1:
            self.add_error("sample_size", "預定樣本數須為 1 以上；未定時請留空。")
        if population and sample and sample > population:
            self.add_error("sample_size", f"預定樣本數（{sample}）不可大於母體數（{population}）。")
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SurveyResultsForm(forms.Form):
    """The five categories on one page: 受訪人數 and 滿意人數 for each; a category left blank has no result."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in SurveyResult.Category.choices:
            self.fields[f"{value}_respondents"] = count_field(f"{label}受訪人數")
            self.fields[f"{value}_satisfied"] = count_field(f"{label}滿意人數")

    @staticmethod
    def initial_from(results) -> dict:
        initial = {}
        for result in results:
            initial[f"{result.category}_respondents"] = result.respondents
            initial[f"{result.category}_satisfied"] = result.satisfied
        return initial

    def rows(self):
        """(label, respondents bound field, satisfied bound field) for the template's table."""
        return [(label, self[f"{value}_respondents"], self[f"{value}_satisfied"]) for value, label in SurveyResult.Category.choices]

    def clean(self):
        data = super().clean()
        for value, label in SurveyResult.Category.choices:
            respondents, satisfied = data.get(f"{value}_respondents"), data.get(f"{value}_satisfied")
            if f"{value}_respondents" in self.errors or f"{value}_satisfied" in self.errors:
                continue
            if respondents is None and satisfied is not None:
                self.add_error(f"{value}_respondents", f"已填{label}滿意人數，請一併填受訪人數。")
            elif respondents is not None and satisfied is None:
                self.add_error(f"{value}_satisfied", f"已填{label}受訪人數，請一併填滿意人數（可為 0）。")
            elif respondents is not None and satisfied > respondents:
                self.add_error(f"{value}_satisfied", f"滿意人數（{satisfied}）不可多於受訪人數（{respondents}）。")
        return data

    def results(self) -> dict[str, ResultFigures | None]:
        data = self.cleaned_data
        figures = {}
        for value, _ in SurveyResult.Category.choices:
            respondents = data.get(f"{value}_respondents")
            figures[value] = None if respondents is None else ResultFigures(respondents, data[f"{value}_satisfied"])
        return figures


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 檔案（.xlsx）",
        error_messages={"required": "請選擇要上傳的 Excel 檔案（.xlsx）。", "empty": "檔案是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


# --- 陳情案件 --------------------------------------------------------------------------------------------
class PetitionMonthForm(forms.Form):
    """Which month to enter or analyse (GET)."""

    month = RocMonthField(label="月份（民國年/月）", help_text="如 {example}。")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        hint_year(self, plan.year)

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month is None:
            raise forms.ValidationError("請輸入月份。", code="required")
        if not (self.plan.start_date.replace(day=1) <= month <= self.plan.end_date):
            first, last = format_roc_month(self.plan.start_date), format_roc_month(self.plan.end_date)
            raise forms.ValidationError(f"月份應在計畫執行期程內（{first}至{last}）。", code="out_of_plan")
        return month


class PetitionEntryForm(PetitionMonthForm):
    """One month's counts of every unit: 結案、滿意、不滿意; a unit left blank has no figures that month."""

    NAMES = (("closed", "結案件數"), ("satisfied", "滿意件數"), ("dissatisfied", "不滿意件數"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.fields["month"].widget = forms.HiddenInput()
        for unit in self.units:
            for name, label in self.NAMES:
                self.fields[f"u{unit.pk}_{name}"] = count_field(f"{unit.name}{label}")

    @classmethod
    def initial_from(cls, tallies) -> dict:
        initial = {}
        for tally in tallies:
            for name, _ in cls.NAMES:
                initial[f"u{tally.unit_id}_{name}"] = getattr(tally, name)
        return initial

    def rows(self):
        return [(unit, [(label, self[f"u{unit.pk}_{name}"]) for name, label in self.NAMES]) for unit in self.units]

    def clean(self):
        data = super().clean()
        for unit in self.units:
            keys = [f"u{unit.pk}_{name}" for name, _ in self.NAMES]
            if any(key in self.errors for key in keys):
                continue
            values = [data.get(key) for key in keys]
            if all(v is None for v in values):
                continue
            if any(v is None for v in values):
                missing = next(key for key, v in zip(keys, values, strict=True) if v is None)
                self.add_error(missing, f"{unit.name}的三個件數請一併填寫（沒有時填 0），或全部留空。")
                continue
            closed, satisfied, dissatisfied = values
            if satisfied + dissatisfied > closed:
                self.add_error(keys[0], f"滿意與不滿意件數合計（{satisfied + dissatisfied}）不可多於結案件數（{closed}）。")
        return data

    def counts(self) -> dict:
        data = self.cleaned_data
        counts = {}
        for unit in self.units:
            values = [data.get(f"u{unit.pk}_{name}") for name, _ in self.NAMES]
            counts[unit] = None if all(v is None for v in values) else PetitionFigures(*values)
        return counts
