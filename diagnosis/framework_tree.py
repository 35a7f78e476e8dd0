"""A plan's evaluation framework (構面 → 評核項目 → 評核重點 → 評核基準) as plain rows, for the pages that
draw the whole of it (the plan tree and the dashboard), and the one reader of these tables for the 組織診斷's
scoring (`score_reads.framework_of` builds its slots from it).

One query with the framework's tables joined, instead of prefetching each level onto model instances (four
queries, and an instance with its prefetch cache per row): on the scale data the prefetch took 7.7 ms where
this takes 3.0 ms, most of it Python (README's 效能 section). Pages that edit the framework keep the models."""

from dataclasses import dataclass, field

from .models import Dimension, Plan


@dataclass(slots=True)
class FrameworkCriterion:
    label: str
    text: str


@dataclass(slots=True)
class FrameworkFocusPoint:
    pk: int
    name: str
    description: str
    points: int | None  # the allotment (None until staff allot the item's points)
    criteria: list[FrameworkCriterion] = field(default_factory=list)
    active_measures: list = field(default_factory=list)  # filled by the page


@dataclass(slots=True)
class FrameworkItem:
    pk: int
    name: str
    description: str
    points: int | None  # the allotment (None until staff allot the dimension's points)
    focus_points: list[FrameworkFocusPoint] = field(default_factory=list)
    active_measures: list = field(default_factory=list)  # filled by the page
    unlinked_measures: list = field(default_factory=list)  # filled by the page


@dataclass(slots=True)
class FrameworkDimension:
    pk: int
    name: str
    scope: str
    points: int
    items: list[FrameworkItem] = field(default_factory=list)

    @property
    def scope_display(self) -> str:
        return str(Dimension.Scope(self.scope).label)


_FP = "items__focus_points__"
_COLUMNS = (
    "pk", "name", "scope", "points",
    "items__id", "items__name", "items__description", "items__points",
    _FP + "id", _FP + "name", _FP + "description", _FP + "points",
)
_CRITERIA = (_FP + "criteria__id", _FP + "criteria__label", _FP + "criteria__text")
_ORDER = ("position", "pk", "items__position", "items__id", _FP + "position", _FP + "id")


def framework_rows(*, plan_id):
    return Dimension.objects.filter(plan_id=plan_id).order_by(*_ORDER, _FP + "criteria__position", _FP + "criteria__id").values_list(
        *_COLUMNS, *_CRITERIA
    )


def framework_rows_without_criteria(*, plan_id):
    return Dimension.objects.filter(plan_id=plan_id).order_by(*_ORDER).values_list(*_COLUMNS)


def plan_framework(plan: Plan | int, *, criteria: bool = True) -> list[FrameworkDimension]:
    """Every dimension of `plan` (or of the plan with that id) with its items, focus points and (with
    `criteria`) their criteria, each level in its position order; a dimension without items, or an item
    without focus points, is kept. One query."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    rows = (framework_rows if criteria else framework_rows_without_criteria)(plan_id=plan_id)
    dimensions: list[FrameworkDimension] = []
    dimension = item = focus_point = None
    for row in rows:
        d_pk, d_name, scope, points, i_pk, i_name, i_description, i_points, f_pk, f_name, f_description, f_points = row[:12]
        if dimension is None or dimension.pk != d_pk:
            dimension = FrameworkDimension(d_pk, d_name, scope, points)
            dimensions.append(dimension)
            item = focus_point = None
        if i_pk is None:
            continue
        if item is None or item.pk != i_pk:
            item = FrameworkItem(i_pk, i_name, i_description, i_points)
            dimension.items.append(item)
            focus_point = None
        if f_pk is None:
            continue
        if focus_point is None or focus_point.pk != f_pk:
            focus_point = FrameworkFocusPoint(f_pk, f_name, f_description, f_points)
            item.focus_points.append(focus_point)
        if criteria and row[12] is not None:
            focus_point.criteria.append(FrameworkCriterion(row[13], row[14]))
    return dimensions
