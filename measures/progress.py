"""Every measure's status in a plan as of a date, for the whole plan and per unit, in a fixed number of queries.

Queries: the measures, their 主辦 and 協辦 units, the planned progress of the plan, one aggregate of the sent
reports per (measure, unit), and the units of the plan's organisation. Nothing here grows with the number of
measures, units or reports.

`PlanProgress.load` gives the measures as model instances (item, dimension and focus point joined, units
prefetched) for pages and jobs that show them; `PlanProgress.counts` reads only the columns the status
needs, as `MeasureRow`s, for the dashboards that count and the review that lists measures by id (building a
hundred measures with their framework and units was the largest part of the plan dashboard's time)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Count, Max, Q, Value
from django.utils import timezone

from diagnosis.models import Plan, Unit
from diagnosis.models.units import units_in_tree_order

from .models import Measure, PlannedProgress, ProgressReport
from .models.measures import carrying_pairs, plan_unit_ids, unit_links
from .status import (
    STATUS_ORDER,
    MeasureFacts,
    MeasureStatus,
    ReportSummary,
    Status,
    due_month,
    month_start,
    status_basis,
    status_from,
)

COUNTED_REPORT_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
NO_REPORTS = ReportSummary()


def default_as_of(plan: Plan, today: date | None = None) -> date:
    """Today from the plan's first day until its 結算日 (December's report is due after the plan's end); a
    closed plan's 結算日; a future plan's first day."""
    today = today or timezone.localdate()
    return min(max(today, plan.start_date), plan.closes_on)


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@dataclass
class StatusCounts:
    """How many measures are in each status; the figures a dashboard row shows."""

    counts: Counter = field(default_factory=Counter)

    def add(self, status: MeasureStatus | None) -> None:
        if status is not None:
            self.counts[status.status] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: Status) -> int:
        return self.counts[status]

    @property
    def done(self) -> int:
        return self.counts[Status.DONE]

    @property
    def overdue(self) -> int:
        return self.counts[Status.OVERDUE]

    @property
    def lagging(self) -> int:
        return self.counts[Status.LAGGING]

    @property
    def completion(self) -> float | None:
        """Share of measures with an end (not 賡續辦理) that are complete, in %; None when there are none."""
        return None if not self.total else self.done / self.total * 100

    def ordered(self) -> list[tuple[Status, int]]:
        return [(status, self.counts[status]) for status in STATUS_ORDER]


class MeasureRow(NamedTuple):
    """What a measure's status and its carrying units depend on, read as plain values (`PlanProgress.counts`)."""

    pk: int
    item_id: int
    focus_point_id: int | None
    source: str
    all_units: bool
    deadline: date | None
    ongoing: bool
    listed_on: date | None
    retired_at: datetime | None
    name: str
    lead_unit_ids: tuple[int, ...]  # 主辦, in the order they were linked (as `with_units` gives them)
    support_unit_ids: tuple[int, ...]  # 協辦, likewise


MEASURE_ROW_COLUMNS = (
    "pk", "item_id", "focus_point_id", "source", "all_units", "deadline", "ongoing", "listed_on", "retired_at", "name"
)


def measure_rows(plan: Plan) -> list[MeasureRow]:
    """The plan's measures in plan order as `MeasureRow`s: two queries (the measures, then their 主辦 and
    協辦 unit ids in one UNION), no model instances."""
    linked = {False: defaultdict(list), True: defaultdict(list)}  # is a 協辦 link → measure → unit ids
    for is_support, measure_id, (unit_id,) in unit_links(plan_unit_ids(plan_id=plan.pk)):
        linked[is_support][measure_id].append(unit_id)
    return [
        MeasureRow(*values, tuple(linked[False].get(values[0], ())), tuple(linked[True].get(values[0], ())))
        for values in plan_measure_rows(plan_id=plan.pk)
    ]


def plan_measure_rows(*, plan_id):
    return Measure.objects.filter(plan_id=plan_id).in_plan_order().values_list(*MEASURE_ROW_COLUMNS)


@dataclass
class PlanProgress:
    plan: Plan
    as_of: date
    measures: list  # Measure instances (`load`) or MeasureRows (`counts`)
    units: list[Unit]
    status: dict[int, MeasureStatus | None]
    unit_status: dict[tuple[int, int], MeasureStatus | None]
    carriers: dict[int, list[Unit]]
    summaries: dict[tuple[int, int], ReportSummary] = field(default_factory=dict)
    _unit_counts: dict[int, StatusCounts] | None = field(default=None, init=False, repr=False)  # unit_counts

    @classmethod
    def load(cls, plan: Plan, as_of: date, measures=None) -> "PlanProgress":
        """With the measures as instances, their item, dimension, focus point and units at hand."""
        if measures is None:
            measures = list(Measure.objects.filter(plan=plan).with_units().in_plan_order())
        named = {
            m.pk: frozenset(u.pk for u in m.lead_units.all()) | frozenset(u.pk for u in m.support_units.all())
            for m in measures
        }
        return cls._compute(plan, as_of, measures, named)

    @classmethod
    def counts(cls, plan: Plan, as_of: date) -> "PlanProgress":
        """With the measures as `MeasureRow`s: for pages that count statuses and show no measure."""
        rows = measure_rows(plan)
        return cls._compute(plan, as_of, rows, {row.pk: frozenset(row.lead_unit_ids + row.support_unit_ids) for row in rows})

    @classmethod
    def _compute(cls, plan: Plan, as_of: date, measures: list, named: dict[int, frozenset[int]]) -> "PlanProgress":
        planned = by_measure_planned(plan_planned_progress(plan_id=plan.pk))
        summaries = report_summaries(plan, as_of)
        by_measure: dict[int, list[ReportSummary]] = defaultdict(list)
        for (measure_id, _unit_id), summary in summaries.items():
            by_measure[measure_id].append(summary)
        units = units_in_tree_order(path=plan.organization.path)
        # Each unit with its id, read once: the loops below ask a hundred measures about every unit.
        units_with_ids = [(unit, unit.pk) for unit in units]
        status, unit_status, carriers = {}, {}, {}
        for measure in measures:
            pk = measure.pk
            facts = measure_facts(plan, measure, planned)
            carrying = carrying_pairs(measure, named[pk], units_with_ids, plan.organization_id)
            carriers[pk] = [unit for unit, _unit_id in carrying]
            per_unit = [summaries.get((pk, unit_id), NO_REPORTS) for _unit, unit_id in carrying]
            # The status depends on the facts and the summary only: units with the same summary (most often
            # none reported yet) share one, computed once (a 各單位 measure has fifteen units or more).
            # What does not depend on the reports is read once per measure (status_basis).
            basis = status_basis(facts, as_of)
            by_summary: dict[ReportSummary, MeasureStatus | None] = {}
            for (_unit, unit_id), summary in zip(carrying, per_unit, strict=True):
                if summary not in by_summary:
                    by_summary[summary] = None if basis is None else status_from(basis, summary, as_of)
                unit_status[(pk, unit_id)] = by_summary[summary]
            reported = per_unit if carrying else by_measure.get(pk, [])
            combined = ReportSummary(
                best_progress=max((s.best_progress for s in reported if s.best_progress is not None), default=None),
                # With carrying units, the month is reported when every one of them has; otherwise any report.
                has_due_report=bool(reported) and all(s.has_due_report for s in reported),
            )
            if combined not in by_summary:
                by_summary[combined] = None if basis is None else status_from(basis, combined, as_of)
            status[pk] = by_summary[combined]
        return cls(plan, as_of, measures, units, status, unit_status, carriers, summaries)

    def counts_for(self, measures) -> StatusCounts:
        counts = StatusCounts()
        for measure in measures:
            counts.add(self.status.get(measure.pk))
        return counts

    def unit_counts(self, unit: Unit) -> StatusCounts:
        """The statuses of the measures `unit` carries. Every unit's are counted in one pass over `unit_status`
        at the first call (which holds a pair for each measure and unit carrying it, and nothing else), not by
        asking it about every measure once per unit: the plan dashboard asks for each of fifteen units."""
        if self._unit_counts is None:
            self._unit_counts = defaultdict(StatusCounts)
            for (_measure_id, unit_id), status in self.unit_status.items():
                self._unit_counts[unit_id].add(status)
        return StatusCounts(Counter(self._unit_counts[unit.pk].counts)) if unit.pk in self._unit_counts else StatusCounts()


def planned_progress(**measure_filter) -> dict[int, list[tuple[date, int]]]:
    """(month, percent) of the planned progress of the measures `measure_filter` picks, by measure id (one
    query)."""
    return by_measure_planned(planned_progress_query(**measure_filter))


def planned_progress_query(**measure_filter):
    """Unordered: planned_for takes the latest month itself, and the model's ordering ("measure" → the measure's
    plan → its organisation) joined and sorted three tables (3 ms of 4 at N=300)."""
    return PlannedProgress.objects.filter(**measure_filter).order_by().values_list("measure_id", "month", "percent")


def plan_planned_progress(*, plan_id):
    """The planned progress of every measure of the plan, as `by_measure_planned` reads it."""
    return planned_progress_query(measure__plan_id=plan_id)


def by_measure_planned(rows) -> dict[int, list[tuple[date, int]]]:
    planned = defaultdict(list)
    for measure_id, month, percent in rows:
        planned[measure_id].append((month, percent))
    return planned


def report_summaries(plan: Plan, as_of: date, unit: Unit | None = None) -> dict[tuple[int, int], ReportSummary]:
    """What the plan's reports counted as of `as_of` give each (measure id, unit id): the best progress and
    whether the month due (or a later one) was reported. A report counts toward its month whenever it was sent:
    sent (not a draft, not returned) and for a month up to the as-of month. One aggregate query; with `unit`,
    that unit's reports only (its page)."""
    due = due_month(as_of, plan.start_date, plan.end_date, plan.report_due_day)
    reports = ProgressReport.objects.filter(
        measure__plan_id=plan.pk, status__in=COUNTED_REPORT_STATUSES, period__lte=month_start(as_of)
    )
    if unit is not None:
        reports = reports.filter(unit_id=unit.pk)
    rows = (
        reports.values("measure_id", "unit_id")
        .annotate(best=Max("progress"), due_reports=Count("pk", filter=Q(period__gte=due)) if due else Value(0))
        .order_by()
        .values_list("measure_id", "unit_id", "best", "due_reports")
    )
    return {(measure_id, unit_id): ReportSummary(best, bool(due_reports)) for measure_id, unit_id, best, due_reports in rows}


def late_report_counts(plan: Plan) -> dict[int, int]:
    """How many of each unit's reports on the plan were first sent after their due day (逾時填報), by unit id.
    One aggregate query."""
    rows = (
        ProgressReport.objects.filter(measure__plan_id=plan.pk, sent_late=True)
        .values("unit_id").annotate(late=Count("pk")).order_by().values_list("unit_id", "late")
    )
    return dict(rows)


def measure_facts(plan: Plan, measure, planned: dict[int, list[tuple[date, int]]]) -> MeasureFacts:
    """What `measure`'s status depends on (an instance or any row with its deadline, ongoing, listed_on and
    retired_at), with its planned progress from `planned_progress`."""
    return MeasureFacts(
        deadline=measure.deadline,
        ongoing=measure.ongoing,
        listed_on=measure.listed_on,
        retired_on=timezone.localdate(measure.retired_at) if measure.retired_at else None,
        plan_start=plan.start_date,
        plan_end=plan.end_date,
        lag_threshold=plan.lag_threshold,
        report_due_day=plan.report_due_day,
        planned=tuple(planned.get(measure.pk, ())),
    )
