"""One unit's page: the measures it carries in a plan, each with the unit's own status as of a date, and the
unit's reports, in a fixed number of queries and without model instances.

`PlanProgress` computes every measure's status for every unit of the plan: the unit page used it and kept one
unit's column, building a hundred measures with their framework and units and fifteen units' statuses to
show one. Here the statuses are the same (`unit_status` of PlanProgress for this unit; a test compares them
for every unit of the 106 plan), from what this unit needs only.

Queries: the plan's 主辦/協辦 links (one UNION), the plan's measures with their 項目 and 構面 names (those the
unit carries are picked by `carries`, the one statement of the rule), their planned progress, the aggregate of
the unit's sent reports, and the unit's reports; one query each."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from diagnosis.models import Plan, Unit

from .models import Measure, ProgressReport
from .models.measures import carries, plan_unit_ids, unit_links
from .progress import (
    NO_REPORTS,
    StatusCounts,
    by_measure_planned,
    measure_facts,
    planned_progress_query,
    report_summaries,
)
from .status import MeasureStatus, measure_status

ROLE_LEAD, ROLE_SUPPORT = "主辦", "協辦"
ROLE_ALL, ROLE_ORGANIZATION = "各單位", "本機關"  # 附表2's 各單位; the organisation itself (研考承辦 report)


class UnitMeasure(NamedTuple):
    """A measure the unit carries, as its page shows it."""

    pk: int
    name: str
    item_name: str
    dimension_name: str
    source: str
    all_units: bool
    deadline: date | None
    ongoing: bool
    listed_on: date | None
    retired_at: object  # datetime | None


UNIT_MEASURE_COLUMNS = (
    "pk", "name", "item__name", "item__dimension__name", "source", "all_units", "deadline", "ongoing", "listed_on", "retired_at"
)


class UnitReport(NamedTuple):
    """One of the unit's reports in the plan: enough for its link, its month and its state."""

    pk: int
    measure_id: int
    measure_name: str
    period: date
    status: str
    review_comment: str
    sent_late: bool

    @property
    def status_label(self) -> str:
        return ProgressReport.Status(self.status).label


@dataclass(frozen=True)
class UnitRow:
    measure: UnitMeasure
    status: MeasureStatus
    role: str  # 主辦, 協辦, 各單位 (附表2 for every unit) or 本機關 (附表1 for the 機關 itself)


@dataclass(frozen=True)
class UnitProgress:
    rows: list[UnitRow]  # the measures the unit carries and that count as of the date, in plan order
    reports: list[UnitReport]  # newest month first, then in plan order

    @property
    def counts(self) -> StatusCounts:
        counts = StatusCounts()
        for row in self.rows:
            counts.add(row.status)
        return counts


def unit_progress(plan: Plan, unit: Unit, as_of: date) -> UnitProgress:
    """`unit`'s measures in `plan` with its status on each as of `as_of` (what PlanProgress.unit_status gives
    for the unit), and its reports. `unit` must lie within the plan's organisation."""
    named: dict[int, set[int]] = defaultdict(set)  # measure id → its 主辦/協辦 unit ids
    roles: dict[int, str] = {}  # measure id → 主辦 or 協辦 of this unit (主辦 first: a unit named as both is 主辦)
    for is_support, measure_id, (unit_id,) in unit_links(plan_unit_ids(plan_id=plan.pk)):
        named[measure_id].add(unit_id)
        if unit_id == unit.pk:
            roles.setdefault(measure_id, ROLE_SUPPORT if is_support else ROLE_LEAD)
    measures = [
        measure
        for measure in (UnitMeasure(*values) for values in plan_measures_for_units(plan_id=plan.pk))
        if carries(measure, named[measure.pk], unit.pk, plan.organization_id)
    ]
    planned = by_measure_planned(planned_progress_query(measure_id__in=[m.pk for m in measures])) if measures else {}
    summaries = report_summaries(plan, as_of, unit=unit)
    rows = []
    for measure in measures:
        status = measure_status(measure_facts(plan, measure, planned), summaries.get((measure.pk, unit.pk), NO_REPORTS), as_of)
        if status is not None:
            unnamed = ROLE_ORGANIZATION if unit.pk == plan.organization_id else ROLE_ALL
            rows.append(UnitRow(measure, status, roles.get(measure.pk) or unnamed))
    reports = [UnitReport(*values) for values in unit_reports(plan_id=plan.pk, unit_id=unit.pk)]
    return UnitProgress(rows, reports)


def plan_measures_for_units(*, plan_id):
    """The plan's measures in plan order, as UnitMeasure reads them."""
    return Measure.objects.filter(plan_id=plan_id).in_plan_order().values_list(*UNIT_MEASURE_COLUMNS)


def unit_reports(*, plan_id, unit_id):
    """The unit's reports on the plan's measures, newest month first, then in plan order, as UnitReport reads them."""
    return (
        ProgressReport.objects.filter(measure__plan_id=plan_id, unit_id=unit_id)
        .order_by("-period", "measure__position")
        .values_list("pk", "measure_id", "measure__name", "period", "status", "review_comment", "sent_late")
    )

