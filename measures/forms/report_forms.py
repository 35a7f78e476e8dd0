"""Forms for a unit's monthly progress report and for staff's review of it."""

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from diagnosis.models import Unit
from sq_portal.fields import clean_text
from sq_portal.roc_dates import format_roc

from ..evidence_files import ALLOWED_KINDS, inspect_upload
from ..models import ProgressReport
from .measure_forms import plan_months


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleEvidenceField(forms.FileField):
    """Several evidence files at once, each inspected by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED_KINDS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        inspected, errors = [], []
        for upload in files:
            try:
                inspected.append((upload, inspect_upload(upload)))
            except ValidationError as error:
                errors.extend(f"{upload.name}：{message}" for message in error.messages)
        if errors:
            raise ValidationError(errors, code="evidence")
        return inspected


def evidence_bounds_error(report: ProgressReport | None, new: list) -> str:
    """Why the report's files, those kept and those added now, would not stay within EVIDENCE_PER_REPORT_MAX_FILES
    and EVIDENCE_PER_REPORT_MAX_BYTES; "" when they do."""
    if not new:
        return ""
    kept = [e.size for e in report.evidence.all()] if report is not None else []  # the prefetched ones, if any
    count, total = len(kept) + len(new), sum(kept) + sum(info.size for _upload, info in new)
    most_files, most_bytes = settings.EVIDENCE_PER_REPORT_MAX_FILES, settings.EVIDENCE_PER_REPORT_MAX_BYTES
    if count > most_files:
        return f"每筆填報最多 {most_files} 個佐證檔案；此筆已有 {len(kept)} 個，這次最多再加 {most_files - len(kept)} 個。"
    if total > most_bytes:
        return f"每筆填報的佐證檔案合計最多 {most_bytes / 1048576:.0f} MB；加上這次的檔案共 {total / 1048576:.1f} MB。"
    return ""


class ProgressReportForm(forms.Form):
    unit = forms.ModelChoiceField(label="填報單位", queryset=None, empty_label=None)
    period = forms.TypedChoiceField(label="填報月份", coerce=date.fromisoformat)
    narrative = forms.CharField(label="執行情形", widget=forms.Textarea(attrs={"rows": 6}))
    progress = forms.IntegerField(
        label="累計執行進度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "執行進度應介於 0 到 100 之間。",
            "max_value": "執行進度應介於 0 到 100 之間。",
            "invalid": "請輸入 0 到 100 的整數。",
        },
    )
    evidence = MultipleEvidenceField(
        label="佐證資料",
        required=False,
        help_text="可選多個檔案：PDF、圖片、Office 或 ODF 文件，每個檔案 10 MB 以內。",
    )

    def __init__(self, *args, measure, units, indicators, report: ProgressReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.report = report
        self.indicators = list(indicators)
        unit_ids = [u.pk for u in units]
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=unit_ids).in_tree_order()
        plan = measure.plan
        self.fields["period"].choices = [(m.isoformat(), format_roc(m, "month")) for m in plan_months(plan)]
        self.fields["period"].error_messages["invalid_choice"] = (
            f"填報月份須在計畫執行期程（{format_roc(plan.start_date, 'month')}至{format_roc(plan.end_date, 'month')}）內，"
            "請從清單中選擇。"
        )
        if report is not None:
            # The unit and month of an existing report are fixed; only its content changes.
            self.fields["unit"].disabled = True
            self.fields["period"].disabled = True
        for indicator in self.indicators:
            self.fields[self.indicator_field(indicator)] = forms.DecimalField(
                label=f"{indicator.name}實際值（{indicator.unit}）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                help_text=indicator.target_display(measure.plan.year),
                error_messages={"min_value": "實際值不可為負數。", "invalid": "請輸入數字。"},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("填報", "unit", "period", "narrative", "progress"),
            Fieldset("績效指標", *[Field(self.indicator_field(i)) for i in self.indicators]) if self.indicators else None,
            Fieldset("佐證資料", "evidence"),
        )

    @staticmethod
    def indicator_field(indicator) -> str:
        return f"indicator_{indicator.pk}"

    def clean_narrative(self) -> str:
        text = clean_text(self.cleaned_data["narrative"])
        if not text:
            raise ValidationError("請填寫執行情形。", code="required")
        return text

    def clean(self):
        data = super().clean()
        self.check_evidence_bounds(data.get("evidence") or [])
        unit, period = data.get("unit"), data.get("period")
        if self.report is None and unit is not None and period is not None:
            if ProgressReport.objects.filter(measure=self.measure, unit=unit, period=period).exists():
                self.add_error(
                    "period", f"{unit.name}已填報過{format_roc(period, 'month')}的進度，請改為編修該筆填報。"
                )
        return data

    def check_evidence_bounds(self, new: list) -> None:
        message = evidence_bounds_error(self.report, new)
        if message:
            self.add_error("evidence", message)

    def actuals(self) -> dict:
        return {i: self.cleaned_data.get(self.indicator_field(i)) for i in self.indicators}

    def report_values(self, request) -> dict:
        """What `report_save` takes from this form; which button was pressed decides draft or submit."""
        data = self.cleaned_data
        return {
            "narrative": data["narrative"],
            "progress": data["progress"],
            "actuals": self.actuals(),
            "files": data["evidence"],
            "submit": "submit" in request.POST,
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="審核結果",
        choices=[("accept", "核可"), ("return", "退回")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="審核意見", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("review", "送出審核"))

    def clean(self):
        data = super().clean()
        data["comment"] = clean_text(data.get("comment") or "")
        if data.get("decision") == "return" and not data["comment"]:
            self.add_error("comment", "退回時請寫明需補正之處。")
        return data
