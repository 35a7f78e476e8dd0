"""評分回合從資料庫讀出：各分局的構面配分、各評核重點的已送出分數與裁定、回合進度與待裁定的評核重點；每個讀取
的查詢數固定，不隨分局數或分數筆數增加。計算在 `assessments.scoring_results`，成績矩陣在 `assessments.scoring_matrix`。"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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
    return list(
        ScoringPrecinct.objects.filter(round=scoring_round)
        .select_related("plan__organization")
        .order_by("plan__organization__tree_order", "pk")
    )


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
    rows: list[ProgressRow]
    assignments: list[ReviewerAssignment]
    results: dict[tuple[int, int, int], PointResult]  # `point_results` of the round (empty unless reads_all)

    @property
    def unsettled(self) -> int:
        return sum(row.unsettled for row in self.rows)


def round_progress(scoring_round: ScoringRound, *, mine: tuple[str, ...], reads_all: bool) -> RoundProgress:
    """Precincts × dimensions: sheets submitted of reviewers assigned, flagged and unsettled points (six queries)."""
    precincts = round_precincts(scoring_round)
    frames = plan_frames([p.plan_id for p in precincts])
    names = [name for name in dimension_names(frames) if reads_all or name in mine]  # a reviewer sees their own
    assignments = list(
        ReviewerAssignment.objects.filter(round=scoring_round)
        .select_related("reviewer")
        .order_by("dimension", "reviewer__username")
    )
    assigned: dict[str, int] = defaultdict(int)
    for assignment in assignments:
        assigned[assignment.dimension] += 1
    # A reviewer's sheet of a dimension counts as sent when they submitted scores in it. The dimension is read from
    # the frames already loaded: joining the scores to the framework tables scans every year's focus points.
    sheets = set()
    for plan_id, fp_pk, reviewer_id in (
        Score.objects.submitted()
        .filter(round=scoring_round)
        .order_by()
        .values_list("plan_id", "focus_point_id", "reviewer_id")
    ):
        frame = frames.get(plan_id)
        if frame is not None and fp_pk in frame.dimension_of:
            sheets.add((plan_id, frame.dimension_of[fp_pk], reviewer_id))
    sent: dict[tuple[int, str], int] = defaultdict(int)
    for plan_id, name, _reviewer in sheets:
        sent[plan_id, name] += 1
    results = point_results([scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold}) if reads_all else {}
    by_plan: dict[int, list[PointResult]] = defaultdict(list)
    for (_round, plan_id, _fp), result in results.items():
        by_plan[plan_id].append(result)
    rows = []
    for precinct in precincts:
        positions = frames[precinct.plan_id].dimension_positions
        cells = [
            ProgressCell(name, positions.get(name), sent[precinct.plan_id, name], assigned[name], name in mine)
            for name in names
        ]
        points = by_plan[precinct.plan_id]
        rows.append(ProgressRow(precinct, cells, sum(1 for p in points if p.flagged), unsettled(points)))
    return RoundProgress(names, rows, assignments, results)


@dataclass(frozen=True)
class FlaggedPoint:
    precinct: ScoringPrecinct
    focus_point: FocusPoint
    result: PointResult
    settlement: Settlement | None  # with `settled_by`: who settled it, when, and why


def flagged_points(
    scoring_round: ScoringRound, precincts: list[ScoringPrecinct], results: dict | None = None
) -> list[FlaggedPoint]:
    """The round's focus points whose reviewers' scores spread beyond the threshold, settled or not, each with its
    settlement (four queries; two when given the round's `point_results`, as the round page has them from
    `round_progress`)."""
    if results is None:
        results = point_results([scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold})
    flagged = {(plan_id, fp): r for (_round, plan_id, fp), r in results.items() if r.flagged}
    if not flagged:
        return []
    by_plan = {p.plan_id: p for p in precincts}
    focus_points = FocusPoint.objects.select_related("item").in_bulk([fp for _plan, fp in flagged])
    settlements = {
        (s.plan_id, s.focus_point_id): s
        for s in Settlement.objects.filter(round=scoring_round).select_related("settled_by")
    }
    return [
        FlaggedPoint(by_plan[plan_id], focus_points[fp], result, settlements.get((plan_id, fp)))
        for (plan_id, fp), result in sorted(flagged.items())
        if plan_id in by_plan and fp in focus_points
    ]
