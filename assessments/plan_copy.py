"""次年度計畫: copy a year's plan into the next year's, as the starting point staff then edit.

What is copied (see `plan_copy`): the plan's texts, period and milestones (moved by the years between, 2/29 →
2/28), the evaluation framework with its allotments (構面 → 項目 → 評核重點 → 評核基準), the measures still
in force with their 主辦/協辦 units (deadlines moved likewise, 列管日期 = the new plan's first day), their
active indicators, and the 推動小組名冊. What is not: retired measures and indicators, planned progress,
progress reports and evidence, 管制考核, 組織診斷, 創意提案, surveys, training and 獎懲 — all of them
belong to the year they happened in.

Indicators: the old year's outcome becomes the new year's context. The copy's baseline is the old year with
the old year's actual value (each unit's latest sent value, summed, as the dashboards count it) when any
unit reported one; when none did, the baseline is left as it was (e.g. 105 年實際值). The target is kept as
a placeholder for staff to revise.

The copy costs a fixed number of queries whatever the plan's size: one read and one bulk insert per table
(and one bulk insert of history rows per audited table)."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from simple_history.utils import bulk_create_with_history

from diagnosis.models import Criterion, Dimension, FocusPoint, Item, Milestone, Plan, Unit
from measures.models import Evidence, Indicator, IndicatorActual, Measure, PlannedProgress, ProgressReport
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit

from .models import ControlReview, TeamMember


class PlanCopyError(Exception):
    """The plan cannot be copied; the message says why, in Chinese."""


# What the copy leaves behind without counting it on the confirmation page (other areas' records).
NOT_COPIED_OTHERS = "組織診斷、創意提案、滿意度調查、陳情案件、電話禮貌測試、教育訓練、獎懲"

COUNTED_REPORT_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)


@dataclass(frozen=True)
class PlanCopyResult:
    plan: Plan
    counts: dict[str, int]  # what was copied, label → number, in the plan's order

    def summary(self) -> str:
        return "、".join(f"{label} {number} 筆" for label, number in self.counts.items())


def shift_years(day: date | None, years: int) -> date | None:
    """`day` moved by `years` years; 2/29 becomes 2/28 in a year without it."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def copied_title(title: str, old_year: int, new_year: int) -> str:
    """「…106年度…」/「… 106 年度…」 → the same with the new year; a title without the year gets it appended."""
    pattern = re.compile(rf"(?<!\d){old_year}(?=\s*年)")
    if pattern.search(title):
        return pattern.sub(str(new_year), title)[:200]
    suffix = f"（{new_year}年度）"
    return title[: 200 - len(suffix)] + suffix


def _other_plan_exists(organization: Unit, year: int) -> bool:
    return Plan.objects.filter(organization_id=organization.pk, year=year).exists()


def _exists_message(organization: Unit, year: int) -> str:
    return f"{organization.name}已有 {year} 年度的計畫，不能再複製；請直接編修該計畫。"


@transaction.atomic
def plan_copy(*, source: Plan, year: int, user=None, organization: Unit | None = None) -> PlanCopyResult:
    """Copy `source` into a new plan of `year` of the same organisation (see the module's docstring), or of
    another `organization` (then of any year, titled with that organisation's name where the source's names its
    own, and without the 主辦/協辦 units and the 推動小組名冊, which are the source organisation's people: its
    measures fall to the new organisation as a whole).

    PlanCopyError when the organisation already has a plan for `year` or `year` is not after the source's.
    Everything is written in one transaction: a failure half-way leaves nothing behind."""
    target = organization or source.organization
    elsewhere = target.pk != source.organization_id
    if year <= source.year and not elsewhere:
        raise PlanCopyError(f"新計畫的年度須晚於 {source.year} 年。")
    if _other_plan_exists(target, year):
        raise PlanCopyError(_exists_message(target, year))
    years = year - source.year
    title = copied_title(source.title, source.year, year)
    if elsewhere:
        title = title.replace(source.organization.name, target.name)[:200]
    plan = Plan(
        organization_id=target.pk,
        year=year,
        title=title,
        basis=source.basis,
        objectives=source.objectives,
        scope=source.scope,
        content_intro=source.content_intro,
        steps=source.steps,
        evaluation=source.evaluation,
        amendment=source.amendment,
        start_date=shift_years(source.start_date, years),
        end_date=shift_years(source.end_date, years),
        lag_threshold=source.lag_threshold,
        report_due_day=source.report_due_day,
        closing_date=shift_years(source.closing_date, years),
        courtesy_pass_score=source.courtesy_pass_score,
    )
    plan._history_user = user
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Another copy of the same plan was saved between the check above and this save.
        raise PlanCopyError(_exists_message(target, year)) from None

    def create(model, objects: list) -> list:
        return bulk_create_with_history(objects, model, default_user=user)

    milestones = create(Milestone, [
        Milestone(plan=plan, date=shift_years(m.date, years), month_only=m.month_only, title=m.title)
        for m in Milestone.objects.filter(plan=source).order_by("date", "pk")
    ])

    old_dimensions = list(Dimension.objects.filter(plan=source).order_by("position", "pk"))
    new_dimensions = create(Dimension, [
        Dimension(plan=plan, position=d.position, name=d.name, scope=d.scope, points=d.points) for d in old_dimensions
    ])
    dimension_map = _id_map(old_dimensions, new_dimensions)

    old_items = list(Item.objects.filter(dimension__plan=source).order_by("dimension_id", "position", "pk"))
    new_items = create(Item, [
        Item(dimension_id=dimension_map[i.dimension_id], position=i.position, name=i.name, description=i.description,
             points=i.points)
        for i in old_items
    ])
    item_map = _id_map(old_items, new_items)

    old_points = list(FocusPoint.objects.filter(item__dimension__plan=source).order_by("item_id", "position", "pk"))
    new_points = create(FocusPoint, [
        FocusPoint(item_id=item_map[f.item_id], position=f.position, name=f.name, description=f.description,
                   points=f.points)
        for f in old_points
    ])
    point_map = _id_map(old_points, new_points)

    criteria = create(Criterion, [
        Criterion(focus_point_id=point_map[c.focus_point_id], position=c.position, label=c.label, text=c.text)
        for c in Criterion.objects.filter(focus_point__item__dimension__plan=source).order_by("focus_point_id", "position", "pk")
    ])

    active = {"measure__plan": source, "measure__retired_at__isnull": True}
    old_measures = list(Measure.objects.filter(plan=source, retired_at__isnull=True).order_by("source", "position", "pk"))
    if any(m.item_id not in item_map or (m.focus_point_id and m.focus_point_id not in point_map) for m in old_measures):
        raise PlanCopyError("有措施的評核項目或評核重點不屬於本計畫，無法複製；請先修正該措施。")
    new_measures = create(Measure, [
        Measure(
            plan=plan,
            item_id=item_map[m.item_id],
            focus_point_id=point_map[m.focus_point_id] if m.focus_point_id else None,
            source=m.source,
            position=m.position,
            name=m.name,
            content=m.content,
            all_units=m.all_units,
            responsible_text=m.responsible_text,
            deadline=shift_years(m.deadline, years),
            ongoing=m.ongoing,
            listed_on=plan.start_date,
        )
        for m in old_measures
    ])
    measure_map = _id_map(old_measures, new_measures)
    if not elsewhere:
        MeasureLeadUnit.objects.bulk_create([
            MeasureLeadUnit(measure_id=measure_map[link.measure_id], unit_id=link.unit_id)
            for link in MeasureLeadUnit.objects.filter(**active).order_by("pk")
        ])
        MeasureSupportUnit.objects.bulk_create([
            MeasureSupportUnit(measure_id=measure_map[link.measure_id], unit_id=link.unit_id)
            for link in MeasureSupportUnit.objects.filter(**active).order_by("pk")
        ])

    old_indicators = list(Indicator.objects.filter(retired_at__isnull=True, **active).order_by("measure_id", "position", "pk"))
    actuals = _year_actuals(source)
    new_indicators = []
    for indicator in old_indicators:
        actual = actuals.get(indicator.pk)
        new_indicators.append(Indicator(
            measure_id=measure_map[indicator.measure_id],
            position=indicator.position,
            name=indicator.name,
            unit=indicator.unit,
            baseline_year=source.year if actual is not None else indicator.baseline_year,
            baseline_value=actual if actual is not None else indicator.baseline_value,
            target_value=indicator.target_value,
        ))
    indicators = create(Indicator, new_indicators)

    members = create(TeamMember, [
        TeamMember(plan=plan, role=t.role, name=t.name, title=t.title, unit_id=t.unit_id, duty=t.duty,
                   position=t.position, user_id=t.user_id)
        for t in TeamMember.objects.filter(plan=source).order_by("pk")
    ] if not elsewhere else [])

    counts = {
        "重要期程": len(milestones),
        "評核構面": len(new_dimensions),
        "評核項目": len(new_items),
        "評核重點": len(new_points),
        "評核基準": len(criteria),
        "措施": len(new_measures),
        "績效指標": len(indicators),
        "推動小組成員": len(members),
    }
    return PlanCopyResult(plan=plan, counts=counts)


def _id_map(old: list, new: list) -> dict[int, int]:
    return {o.pk: n.pk for o, n in zip(old, new, strict=True)}


def _year_actuals(plan: Plan) -> dict[int, Decimal]:
    """Each active indicator's actual value for the plan's year: every unit's latest sent value, summed."""
    rows = IndicatorActual.objects.filter(
        indicator__measure__plan=plan,
        indicator__measure__retired_at__isnull=True,
        indicator__retired_at__isnull=True,
        report__status__in=COUNTED_REPORT_STATUSES,
        report__period__range=(plan.start_date, plan.end_date),
    ).values_list("indicator_id", "report__unit_id", "report__period", "value")
    latest: dict[tuple[int, int], tuple[date, Decimal]] = {}
    for indicator_id, unit_id, period, value in rows:
        key = (indicator_id, unit_id)
        if key not in latest or period > latest[key][0]:
            latest[key] = (period, value)
    totals: dict[int, Decimal] = {}
    for (indicator_id, _), (_, value) in latest.items():
        totals[indicator_id] = totals.get(indicator_id, Decimal(0)) + value
    return totals


@dataclass(frozen=True)
class PlanCopyPreview:
    copied: list[tuple[str, int]]
    not_copied: list[tuple[str, int]]
    not_copied_others: str = NOT_COPIED_OTHERS


def _count(queryset, path: str):
    """The number of rows of `queryset` whose `path` is the outer plan, as a subquery."""
    counted = (
        queryset.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plan_copy_preview(source: Plan) -> PlanCopyPreview:
    """What `plan_copy` would copy from `source` and what it leaves behind, with counts (one query)."""
    copied = {
        "重要期程": _count(Milestone.objects.all(), "plan"),
        "評核構面": _count(Dimension.objects.all(), "plan"),
        "評核項目": _count(Item.objects.all(), "dimension__plan"),
        "評核重點": _count(FocusPoint.objects.all(), "item__dimension__plan"),
        "評核基準": _count(Criterion.objects.all(), "focus_point__item__dimension__plan"),
        "措施": _count(Measure.objects.filter(retired_at__isnull=True), "plan"),
        "績效指標": _count(Indicator.objects.filter(retired_at__isnull=True, measure__retired_at__isnull=True), "measure__plan"),
        "推動小組成員": _count(TeamMember.objects.all(), "plan"),
    }
    not_copied = {
        "已停用的措施": _count(Measure.objects.filter(retired_at__isnull=False), "plan"),
        "已停用的績效指標": _count(Indicator.objects.filter(retired_at__isnull=False), "measure__plan"),
        "預定進度": _count(PlannedProgress.objects.all(), "measure__plan"),
        "進度填報": _count(ProgressReport.objects.all(), "measure__plan"),
        "佐證資料": _count(Evidence.objects.all(), "report__measure__plan"),
        "定期管制考核": _count(ControlReview.objects.all(), "plan"),
    }
    expressions = {f"c{n}": e for n, e in enumerate(copied.values())}
    expressions |= {f"x{n}": e for n, e in enumerate(not_copied.values())}
    values = Plan.objects.filter(pk=source.pk).values(**expressions).get()
    return PlanCopyPreview(
        copied=[(label, values[f"c{n}"]) for n, label in enumerate(copied)],
        not_copied=[(label, values[f"x{n}"]) for n, label in enumerate(not_copied)],
    )
