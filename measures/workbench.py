"""The reviewer's workbench: the plan's sent reports filtered by unit, month, 附表 and status, a page at a time,
each with what the reviewer weighs it against, in a fixed number of queries whatever the data.

Queries: the counts per status (one aggregate), the page's count and rows (the reports with their measure and
unit, their indicator values with the indicators, their evidence), the planned progress of the page's measures
and the earlier reports of the page's units on those measures. None grows with the number of reports."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from diagnosis.models import Plan, Unit

from .models import ProgressReport
from .progress import COUNTED_REPORT_STATUSES, planned_progress
from .status import planned_for

PAGE_SIZE = 50
Status = ProgressReport.Status


def review_queue(plan: Plan, *, unit: Unit | None = None, month: date | None = None, source: str | None = None):
    """The plan's reports a reviewer sees (drafts stay with the unit), narrowed by the filters, in review order."""
    reports = ProgressReport.objects.filter(measure__plan_id=plan.pk).visible_to_reviewers()
    if unit is not None:
        reports = reports.filter(unit_id=unit.pk)
    if month is not None:
        reports = reports.filter(period=month)
    if source:
        reports = reports.filter(measure__source=source)
    return reports.in_review_order()


def status_counts(queue) -> dict[str, int]:
    """How many reports of `queue` are in each status (one aggregate query)."""
    rows = queue.order_by().values("status").annotate(count=Count("pk")).values_list("status", "count")
    return {status: 0 for status in Status.values if status != Status.DRAFT} | dict(rows)


@dataclass(frozen=True)
class WorkbenchRow:
    report: ProgressReport
    planned: int | None  # planned cumulative % for the report's month
    earlier: list[tuple[date, int]]  # the unit's counted figures on the measure for the months before, in order


def workbench_page(queue, page_number) -> tuple[Page, list[WorkbenchRow]]:
    """One page of `queue` (a bad or too high number gives the nearest page), with each report's rows."""
    page = Paginator(queue.for_workbench(), PAGE_SIZE).get_page(page_number)
    reports = list(page.object_list)
    if not reports:
        return page, []
    measure_ids = {report.measure_id for report in reports}
    planned = planned_progress(measure_id__in=measure_ids)
    earlier = defaultdict(list)
    for measure_id, unit_id, period, progress in (
        ProgressReport.objects.filter(
            measure_id__in=measure_ids,
            unit_id__in={report.unit_id for report in reports},
            status__in=COUNTED_REPORT_STATUSES,
            period__lt=max(report.period for report in reports),
        )
        .order_by("period")
        .values_list("measure_id", "unit_id", "period", "progress")
    ):
        earlier[(measure_id, unit_id)].append((period, progress))
    rows = [
        WorkbenchRow(
            report,
            planned_for(planned.get(report.measure_id, ()), report.period),
            [(month, percent) for month, percent in earlier[(report.measure_id, report.unit_id)] if month < report.period],
        )
        for report in reports
    ]
    return page, rows


def next_pending(queue, after: ProgressReport, user, head_units=()) -> ProgressReport | None:
    """The first pending report of `queue` after `after` in review order (else the first before it) that `user`
    may review (`report_review`: not one they sent, nor one of a unit they head): where the reviewer goes after
    deciding `after`. Two queries at most."""
    pending = (
        queue.filter(status=Status.SUBMITTED)
        .exclude(pk=after.pk)
        .exclude(submitted_by_id=user.pk)
        .exclude(unit_id__in=[unit.pk for unit in head_units])
    )
    key = [
        ("period", after.period),
        ("unit__tree_order", after.unit.tree_order),
        ("measure__source", after.measure.source),
        ("measure__position", after.measure.position),
        ("pk", after.pk),
    ]
    later = Q()
    for index, (name, value) in enumerate(key):
        later |= Q(**{f"{name}__gt": value}, **dict(key[:index]))
    found = list(pending.filter(later)[:1]) or list(pending[:1])
    return found[0] if found else None
