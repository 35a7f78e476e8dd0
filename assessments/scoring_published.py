"""A precinct's own result of a published round, per focus point (its points and the reviewers' comments), and
a comment turned into a measure draft of the precinct's next year's plan (the drafts 研考承辦 adopt or decline,
as they do the 組織診斷's: `measures.draft_writes`)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from diagnosis.models import FocusPoint, Plan
from measures.draft_writes import measure_draft_create
from measures.models import MeasureDraft
from sq_portal.lookups import one_or_none

from .models import Score, ScoringPrecinct
from .scoring_matrix import ResultRow, results_matrix
from .scoring_reads import point_results
from .scoring_writes import ScoringError


@dataclass
class PublishedPoint:
    focus_point: FocusPoint
    final: Decimal | None
    comments: list[Score] = field(default_factory=list)
    settled: bool = False  # the final points are the bureau's settlement (the reviewers' scores spread too far)


def precinct_points(precinct: ScoringPrecinct) -> list[PublishedPoint]:
    """Every focus point of the precinct's plan with its points and the submitted comments (four queries)."""
    scoring_round = precinct.round
    results = point_results([scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold})
    comments: dict[int, list[Score]] = defaultdict(list)
    for score in (
        Score.objects.submitted()
        .filter(round=scoring_round, plan_id=precinct.plan_id)
        .exclude(comment="")
        .order_by("focus_point_id", "pk")
    ):
        comments[score.focus_point_id].append(score)
    focus_points = (
        FocusPoint.objects.filter(item__dimension__plan_id=precinct.plan_id)
        .select_related("item__dimension")
        .order_by("item__dimension__position", "item__position", "position")
    )
    rows = []
    for fp in focus_points:
        result = results.get((scoring_round.pk, precinct.plan_id, fp.pk))
        rows.append(
            PublishedPoint(
                fp,
                result.final if result else None,
                comments[fp.pk],
                settled=result is not None and result.settled is not None,
            )
        )
    return rows


@dataclass(frozen=True)
class Standing:
    """A precinct's own line of the results: its points per dimension (with each dimension's allotment), its
    total out of 1000, its ranks and how many it was ranked among; nothing of any other precinct."""

    row: ResultRow
    dimensions: list[tuple[str, Decimal | None, int]]  # (name, points, allotted)
    ranked: int  # precincts in the round
    group_size: int  # precincts in its group (0 without a group)


def precinct_standing(precinct: ScoringPrecinct) -> Standing:
    """The precinct's own standing in its round, read from the one results matrix (`results_matrix`)."""
    matrix = results_matrix(precinct.round)
    row = next(r for r in matrix.rows if r.precinct.pk == precinct.pk)
    group = row.precinct.group
    return Standing(
        row=row,
        dimensions=[(name, points, matrix.dimension_points.get(name, 0)) for name, points in row.cells],
        ranked=len(matrix.rows),
        group_size=sum(1 for r in matrix.rows if group and r.precinct.group == group),
    )


def get_comment(precinct: ScoringPrecinct, pk: int) -> Score:
    """A submitted score with a comment, of this precinct in this round; 404 is the caller's (None here)."""
    return one_or_none(
        Score.objects.submitted()
        .filter(round_id=precinct.round_id, plan_id=precinct.plan_id, pk=pk)
        .exclude(comment="")
        .select_related("focus_point__item__dimension")
    )


def next_year_plan(precinct: ScoringPrecinct) -> Plan | None:
    return one_or_none(Plan.objects.filter(organization_id=precinct.plan.organization_id, year=precinct.plan.year + 1))


@transaction.atomic
def comment_to_draft(*, precinct: ScoringPrecinct, score: Score, name: str, content: str, user) -> MeasureDraft:
    """A measure draft in the precinct's next year's plan, at the same focus point (matched by its dimension,
    item and focus point names, as the 組織診斷 compares years), proposed by the precinct itself."""
    plan = next_year_plan(precinct)
    if plan is None:
        raise ScoringError(
            f"尚未建立 {precinct.plan.year + 1} 年度計畫，請先在「次年度計畫」複製計畫後再提出措施草案。"
        )
    source = score.focus_point
    focus_point = one_or_none(
        FocusPoint.objects.filter(
            item__dimension__plan=plan,
            item__dimension__name=source.item.dimension.name,
            item__name=source.item.name,
            name=source.name,
        )
    )
    if focus_point is None:
        raise ScoringError(
            f"{plan.year} 年度計畫沒有「{source.item.name}／{source.name}」這個評核重點，無法提出措施草案。"
        )
    return measure_draft_create(
        plan_id=plan.pk, focus_point=focus_point, unit_id=plan.organization_id, name=name, content=content, user=user
    )
