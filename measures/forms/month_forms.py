"""One row of a unit's month page: this month's progress, narrative, indicator values and evidence of one measure."""

from django import forms

from sq_portal.fields import clean_text

from ..models import ProgressReport
from ..unit_months import MonthRow
from .report_forms import MultipleEvidenceField, evidence_bounds_error

STALE_PAGE = "本頁資料已失效，請重新整理本頁後再填。"


class MonthRowForm(forms.Form):
    """A row with nothing typed (or, for an existing report, nothing changed) is skipped (`has_input` False); a
    draft counts as input when the rows are sent, so 送出全部 sends the drafts saved before."""

    progress = forms.IntegerField(
        label="本月累計進度（%）",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "執行進度應介於 0 到 100 之間。",
            "max_value": "執行進度應介於 0 到 100 之間。",
            "invalid": "請輸入 0 到 100 的整數。",
        },
    )
    narrative = forms.CharField(label="執行情形", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleEvidenceField(label="佐證資料", required=False)
    # The version of the month's report the page showed (0: none): a report changed since is not overwritten.
    # A tampered value is named in the row (the template shows this hidden field's errors there).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0,
        error_messages={"invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )

    def __init__(self, *args, row: MonthRow, plan_year: int, submit: bool = False, **kwargs):
        report = row.report
        initial = {"version": report.version if report is not None else 0}
        if report is not None:
            initial |= {"progress": report.progress, "narrative": report.narrative,
                       **{self.indicator_field(a.indicator_id): a.value for a in report.actuals.all()}}
        super().__init__(*args, prefix=f"m{row.measure.pk}", initial=initial, **kwargs)
        self.row = row
        self.submit = submit
        self.has_input = False
        for indicator in row.indicators:
            self.fields[self.indicator_field(indicator.pk)] = forms.DecimalField(
                label=f"{indicator.name}實際值（{indicator.unit}）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                help_text=indicator.target_display(plan_year),
                error_messages={"min_value": "實際值不可為負數。", "invalid": "請輸入數字。"},
            )

    @staticmethod
    def indicator_field(indicator_id: int) -> str:
        return f"indicator_{indicator_id}"

    def indicator_fields(self) -> list:
        return [self[self.indicator_field(indicator.pk)] for indicator in self.row.indicators]

    def actuals(self) -> dict:
        return {i: self.cleaned_data.get(self.indicator_field(i.pk)) for i in self.row.indicators}

    @property
    def version_seen(self) -> int:
        return self.cleaned_data.get("version") or 0

    def clean(self):
        data = super().clean()
        data["narrative"] = clean_text(data.get("narrative") or "")
        files = data.get("evidence") or []
        progress, narrative, actuals = data.get("progress"), data["narrative"], self.actuals()
        report = self.row.report
        if report is None:
            typed = progress is not None or narrative or any(v is not None for v in actuals.values()) or files
            self.has_input = bool(typed) or bool(self.errors)
        else:
            stored = {a.indicator_id: a.value for a in report.actuals.all()}
            changed = (
                progress != report.progress or narrative != report.narrative or files
                or any(stored.get(i.pk) != value for i, value in actuals.items())
            )
            draft_sent = self.submit and report.status == ProgressReport.Status.DRAFT
            self.has_input = bool(changed) or draft_sent or bool(self.errors)
        if not self.has_input:
            return data
        if progress is None and "progress" not in self.errors:
            self.add_error("progress", "請填寫本月累計進度（0 到 100）。")
        if not narrative:
            self.add_error("narrative", "請填寫執行情形。")
        message = evidence_bounds_error(report, files)
        if message:
            self.add_error("evidence", message)
        return data
