"""評分回合從資料庫讀出：各分局的構面配分、各評核重點的已送出分數與裁定、回合進度與待裁定的評核重點；每個讀取
的查詢數固定，不隨分局數或分數筆數增加。計算在 `assessments.scoring_results`，成績矩陣在 `assessments.scoring_matrix`。"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, Max, Min

from diagnosis.models import Dimension, FocusPoint

from .models import ReviewerAssignment, Score, ScoringPrecinct, ScoringRound, Settlement
from .scoring_results import PointResult, unsettled


@dataclass
class PlanFrame:
    """A plan's dimensions (name → points, in order) and the dimension of each focus point."""

    dimension_points: dict[str, int] = field(default_factory=dict)
    dimension_positions: dict[str, int] = field(default_factory=dict)
    dimension_of: dict[int, str] = field(default_factory=dict)


def plan_dimensions(plan_ids) -> dict[int, PlanFrame]:
    """The frames of these plans without their focus points (`dimension_of` left empty): one query."""
    frames: dict[int, PlanFrame] = defaultdict(PlanFrame)
    for plan_id, name, points, position in (
        Dimension.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position")
        .values_list("plan_id", "name", "points", "position")
    ):
        frames[plan_id].dimension_points[name] = points
        frames[plan_id].dimension_positions[name] = position
    return frames


def plan_frames(plan_ids) -> dict[int, PlanFrame]:
    """The frames of these plans: two queries."""
    frames = plan_dimensions(plan_ids)
    for plan_id, fp_pk, name in (
        FocusPoint.objects.filter(item__dimension__plan_id__in=plan_ids)
        .order_by()
        .values_list("item__dimension__plan_id", "pk", "item__dimension__name")
    ):
        frames[plan_id].dimension_of[fp_pk] = name
    return frames


def point_results(round_ids, threshold_of: dict[int, Decimal]) -> dict[tuple[int, int, int], PointResult]:
    """(round, plan, focus point) → its submitted scores and settlement, for these rounds: two queries."""
    scores: dict[tuple[int, int, int], list[Decimal]] = defaultdict(list)
    for key in (
        Score.objects.submitted()
        .filter(round_id__in=round_ids)
        .order_by()
        .values_list("round_id", "plan_id", "focus_point_id", "points")
    ):
        scores[key[:3]].append(key[3])
    settled = {
        key[:3]: key[3]
        for key in Settlement.objects.filter(round_id__in=round_ids)
        .order_by()
        .values_list("round_id", "plan_id", "focus_point_id", "points")
    }
    return {
        key: PointResult(tuple(scores.get(key, ())), settled.get(key), threshold_of[key[0]])
        for key in scores.keys() | settled.keys()
    }


def round_precincts(scoring_round: ScoringRound) -> list[ScoringPrecinct]:
    """The round's precincts in tree order, their plans and organisations joined: one query."""
    return list(precincts_in_order(scoring_round))


def precincts_in_order(scoring_round: ScoringRound):
    return (
        ScoringPrecinct.objects.filter(round=scoring_round)
        .select_related("plan__organization")
        .order_by("plan__organization__tree_order", "pk")
    )


def round_dimension_names(scoring_round: ScoringRound) -> list[str]:
    """Every dimension name of the round's precincts' plans, in order: one query."""
    return dimension_names(plan_dimensions(ScoringPrecinct.objects.filter(round=scoring_round).values("plan_id")))


def reviewer_assignments(scoring_round: ScoringRound) -> list[ReviewerAssignment]:
    """The round's reviewers by dimension, their accounts joined: one query."""
    return list(
        ReviewerAssignment.objects.filter(round=scoring_round)
        .select_related("reviewer")
        .order_by("dimension", "reviewer__username")
    )


def flagged_results(scoring_round: ScoringRound) -> dict[tuple[int, int], PointResult]:
    """(plan, focus point) → result, of the round's points whose reviewers' scores spread beyond its threshold
    (`PointResult.flagged` decides): three queries. The database first narrows what is read to the points whose
    highest and lowest submitted scores differ by more than the threshold, so the page does not read every score."""
    threshold = scoring_round.spread_threshold
    candidates = set(
        Score.objects.submitted()
        .filter(round=scoring_round)
        .order_by()
        .values("plan_id", "focus_point_id")
        .annotate(low=Min("points"), high=Max("points"))
        .filter(high__gt=F("low") + threshold)
        .values_list("plan_id", "focus_point_id")
    )
    if not candidates:
        return {}
    scores: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for plan_id, fp_pk, points in (
        Score.objects.submitted()
        .filter(
            round=scoring_round,
            plan_id__in={plan_id for plan_id, _fp in candidates},
            focus_point_id__in={fp_pk for _plan, fp_pk in candidates},
        )
        .order_by("pk")
        .values_list("plan_id", "focus_point_id", "points")
    ):
        if (plan_id, fp_pk) in candidates:
            scores[plan_id, fp_pk].append(points)
    settled = {
        (plan_id, fp_pk): points
        for plan_id, fp_pk, points in Settlement.objects.filter(round=scoring_round)
        .order_by()
        .values_list("plan_id", "focus_point_id", "points")
    }
    results = {key: PointResult(tuple(scores[key]), settled.get(key), threshold) for key in candidates}
    return {key: result for key, result in results.items() if result.flagged}


def dimension_names(frames: dict[int, PlanFrame]) -> list[str]:
    """Every dimension name of the frames, by its position (the first plan's order)."""
    positions: dict[str, int] = {}
    for frame in frames.values():
        for name, position in frame.dimension_positions.items():
            positions.setdefault(name, position)
    return sorted(positions, key=lambda name: (positions[name], name))


def dimension_allotments(frames: dict[int, PlanFrame]) -> dict[str, int]:
    """Every dimension name of the frames → its points (the first plan's)."""
    points: dict[str, int] = {}
    for frame in frames.values():
        for name, value in frame.dimension_points.items():
            points.setdefault(name, value)
    return points


# ---------------------------------------------------------------- the round page


@dataclass(frozen=True)
class ProgressCell:
    name: str
    position: int | None  # the dimension's position in the precinct's plan (the sheet's address)
    submitted: int  # reviewers who sent their sheet
    assigned: int
    mine: bool  # the user reviews this dimension


@dataclass(frozen=True)
class ProgressRow:
    precinct: ScoringPrecinct
    cells: list[ProgressCell]
    flagged: int
    unsettled: int


@dataclass(frozen=True)
class RoundProgress:
    dimensions: list[str]
    page: Page  # of the round's precincts, `PRECINCTS_PER_PAGE` a page
    rows: list[ProgressRow]  # the page's precincts
    assignments: list[ReviewerAssignment]
    flagged: dict[tuple[int, int], PointResult]  # `flagged_results` of the whole round (empty unless reads_all)

    @property
    def unsettled(self) -> int:
        return unsettled(self.flagged.values())


PRECINCTS_PER_PAGE = 50


def round_progress(
    scoring_round: ScoringRound, *, mine: tuple[str, ...], reads_all: bool, page: str | int | None = 1
) -> RoundProgress:
    """One page of precincts × dimensions: sheets submitted of reviewers assigned, flagged and unsettled points
    (a fixed number of queries; the scores read are the page's precincts' and the round's flagged points')."""
    paginator = Paginator(precincts_in_order(scoring_round), PRECINCTS_PER_PAGE)
    shown = paginator.get_page(page)
    precincts = list(shown.object_list)
    frames = plan_frames([p.plan_id for p in precincts])
    names = [name for name in round_dimension_names(scoring_round) if reads_all or name in mine]  # a reviewer's own
    assignments = reviewer_assignments(scoring_round)
    assigned: dict[str, int] = defaultdict(int)
    for assignment in assignments:
        assigned[assignment.dimension] += 1
    # A reviewer's sheet of a dimension counts as sent when they submitted scores in it. The dimension is read from
    # the frames already loaded: joining the scores to the framework tables scans every year's focus points.
    sheets = set()
    for plan_id, fp_pk, reviewer_id in (
        Score.objects.submitted()
        .filter(round=scoring_round, plan_id__in=[p.plan_id for p in precincts])
        .order_by()
        .values_list("plan_id", "focus_point_id", "reviewer_id")
    ):
        frame = frames.get(plan_id)
        if frame is not None and fp_pk in frame.dimension_of:
            sheets.add((plan_id, frame.dimension_of[fp_pk], reviewer_id))
    sent: dict[tuple[int, str], int] = defaultdict(int)
    for plan_id, name, _reviewer in sheets:
        sent[plan_id, name] += 1
    flagged = flagged_results(scoring_round) if reads_all else {}
    by_plan: dict[int, list[PointResult]] = defaultdict(list)
    for (plan_id, _fp), result in flagged.items():
        by_plan[plan_id].append(result)
    rows = []
    for precinct in precincts:
        positions = frames[precinct.plan_id].dimension_positions
        cells = [
            ProgressCell(name, positions.get(name), sent[precinct.plan_id, name], assigned[name], name in mine)
            for name in names
        ]
        points = by_plan[precinct.plan_id]
        rows.append(ProgressRow(precinct, cells, len(points), unsettled(points)))
    return RoundProgress(names, shown, rows, assignments, flagged)


@dataclass(frozen=True)
class FlaggedPoint:
    precinct: ScoringPrecinct
    focus_point: FocusPoint
    result: PointResult
    settlement: Settlement | None  # with `settled_by`: who settled it, when, and why


def flagged_points(
    scoring_round: ScoringRound, flagged: dict[tuple[int, int], PointResult] | None = None
) -> list[FlaggedPoint]:
    """The round's flagged focus points, settled or not, each with its precinct and settlement (`flagged` as
    `flagged_results` gives it, read when not given; three more queries)."""
    if flagged is None:
        flagged = flagged_results(scoring_round)
    if not flagged:
        return []
    by_plan = {
        p.plan_id: p
        for p in ScoringPrecinct.objects.filter(
            round=scoring_round, plan_id__in={plan_id for plan_id, _fp in flagged}
        ).select_related("plan__organization")
    }
    focus_points = FocusPoint.objects.select_related("item").in_bulk([fp for _plan, fp in flagged])
    settlements = {
        (s.plan_id, s.focus_point_id): s
        for s in Settlement.objects.filter(round=scoring_round, plan_id__in=list(by_plan)).select_related("settled_by")
    }
    return [
        FlaggedPoint(by_plan[plan_id], focus_points[fp], result, settlements.get((plan_id, fp)))
        for (plan_id, fp), result in sorted(flagged.items())
        if plan_id in by_plan and fp in focus_points
    ]
