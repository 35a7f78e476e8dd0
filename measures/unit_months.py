"""A unit's month on one page: which measures the unit reports for a month, with what it needs beside each.

The measures are those `unit_progress` gives the unit as of the month's last day (carried, listed and not
retired by then), less those already 已完成 as of the month before (status as of the previous month's last
day, by the same reader). Beside each: the planned % for the month, the unit's report of the month before,
this month's report if any (with its indicator values and evidence) and the indicators the unit fills in.

Queries: unit_progress twice (five each), last month's reports, this month's reports with their indicator
values and evidence (three), and the indicators: a fixed number whatever the measures or months."""

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone

from diagnosis.models import Plan, Unit

from .models import Indicator, ProgressReport
from .status import Status, due_month, month_end, month_start, previous_month
from .unit_progress import UnitRow, unit_progress


@dataclass
class MonthRow:
    """One measure of the unit's month."""

    unit_row: UnitRow
    planned: int | None
    last: ProgressReport | None  # the unit's report of the month before (any state)
    report: ProgressReport | None  # this month's report, with its actuals and evidence prefetched
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def measure(self):
        return self.unit_row.measure

    @property
    def read_only(self) -> bool:
        """An accepted report stays as it is."""
        return self.report is not None and self.report.status == ProgressReport.Status.ACCEPTED


def month_now_due(plan: Plan, today: date | None = None) -> date:
    """The month whose report the unit files now: the month before today's (due on the plan's 每月填報期限 of
    this month, and still reportable after it; `due_month` with the due day taken as the 1st); before the plan's
    first report, its first month; a plan past its period, its last month."""
    today = today or timezone.localdate()
    if plan.is_closed(today):
        return month_start(plan.end_date)
    return due_month(today, plan.start_date, plan.end_date, 1) or month_start(plan.start_date)


def month_url(unit: Unit, month: date) -> str:
    """The unit's month page: /units/<code>/months/<民國年>-<月>/."""
    return reverse("measures:unit_month", kwargs={"code": unit.code, "year": month.year - 1911, "month": f"{month.month:02d}"})


def month_rows(plan: Plan, unit: Unit, month: date) -> list[MonthRow]:
    """The measures `unit` reports for `month` (see the module's docstring), in plan order."""
    progress = unit_progress(plan, unit, month_end(month))
    before = previous_month(month)
    done_before = {
        row.measure.pk
        for row in unit_progress(plan, unit, month_end(before)).rows
        if row.status.status == Status.DONE
    } if before >= month_start(plan.start_date) else set()
    rows = [row for row in progress.rows if row.measure.pk not in done_before]
    ids = [row.measure.pk for row in rows]
    if not ids:
        return []
    last = {
        r.measure_id: r
        for r in ProgressReport.objects.filter(unit_id=unit.pk, period=before, measure_id__in=ids).order_by()
    }
    current = {
        r.measure_id: r
        for r in ProgressReport.objects.filter(unit_id=unit.pk, period=month, measure_id__in=ids)
        .prefetch_related("actuals", "evidence").order_by()
    }
    indicators: dict[int, list[Indicator]] = {}
    # 教育訓練 computes the indicators fed by training sessions; the unit fills in the others (as report_new).
    for indicator in Indicator.objects.filter(measure_id__in=ids, retired_at__isnull=True, training_sessions__isnull=True):
        indicators.setdefault(indicator.measure_id, []).append(indicator)
    return [
        MonthRow(row, row.status.planned, last.get(row.measure.pk), current.get(row.measure.pk), indicators.get(row.measure.pk, []))
        for row in rows
    ]
