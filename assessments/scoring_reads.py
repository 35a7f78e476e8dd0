"""評分回合從資料庫讀出：各分局的構面配分、各評核重點的已送出分數與裁定、回合進度、成績矩陣、委員的評分表與
分局自評；每個讀取的查詢數固定，不隨分局數或分數筆數增加。計算在 `assessments.scoring_results`。"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, OuterRef, Subquery, Sum, Value, When

from diagnosis.models import DiagnosisAnswer, DiagnosisRound, Dimension, FocusPoint, UnitDiagnosis
from diagnosis.scores import precinct_total_1000

from .models import ReviewerAssignment, Score, ScoringPrecinct, ScoringRound, Settlement
from .scoring_results import PointResult, Totals, group_ranks, ranks, totals, unsettled


@dataclass
class PlanFrame:
    """A plan's dimensions (name → points, in order) and the dimension of each focus point."""

    dimension_points: dict[str, int] = field(default_factory=dict)
    dimension_positions: dict[str, int] = field(default_factory=dict)
    dimension_of: dict[int, str] = field(default_factory=dict)


def plan_frames(plan_ids) -> dict[int, PlanFrame]:
    """The frames of these plans: two queries."""
    frames: dict[int, PlanFrame] = defaultdict(PlanFrame)
    for plan_id, name, points, position in (
        Dimension.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position")
        .values_list("plan_id", "name", "points", "position")
    ):
        frames[plan_id].dimension_points[name] = points
        frames[plan_id].dimension_positions[name] = position
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


# ---------------------------------------------------------------- the results matrix


@dataclass(frozen=True)
class ResultRow:
    precinct: ScoringPrecinct
    totals: Totals
    rank: int
    group_rank: int | None
    self_score: Decimal | None  # the 組織診斷 total out of 1000
    last_year: Decimal | None  # last year's published result out of 1000
    cells: list[tuple[str, Decimal | None]]  # (dimension, points), in the matrix's dimensions' order


@dataclass(frozen=True)
class ResultsMatrix:
    round: ScoringRound
    dimensions: list[str]
    dimension_points: dict[str, int]
    rows: list[ResultRow]


def results_matrix(scoring_round: ScoringRound) -> ResultsMatrix:
    """Every precinct's points per dimension, total out of 1000, ranks, self-score and last year's result."""
    precincts = round_precincts(scoring_round)
    plan_ids = [p.plan_id for p in precincts]
    frames = plan_frames(plan_ids)
    names = dimension_names(frames)
    results = point_results([scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold})
    per_plan: dict[int, dict[int, PointResult]] = defaultdict(dict)
    for (_round, plan_id, fp_pk), result in results.items():
        per_plan[plan_id][fp_pk] = result
    precinct_totals = [
        totals(per_plan[p.plan_id], frames[p.plan_id].dimension_of, frames[p.plan_id].dimension_points)
        for p in precincts
    ]
    values = [t.total_1000 for t in precinct_totals]
    overall, grouped = ranks(values), group_ranks(values, [p.group for p in precincts])
    self_scores = self_check_totals(plan_ids, frames)
    last_year = last_year_results(scoring_round, [p.plan.organization_id for p in precincts])
    rows = [
        ResultRow(
            p,
            t,
            overall[n],
            grouped[n],
            self_scores.get(p.plan_id),
            last_year.get(p.plan.organization_id),
            [(name, t.by_dimension.get(name)) for name in names],
        )
        for n, (p, t) in enumerate(zip(precincts, precinct_totals, strict=True))
    ]
    points = {}
    for frame in frames.values():
        for name, value in frame.dimension_points.items():
            points.setdefault(name, value)
    return ResultsMatrix(scoring_round, names, points, rows)


def self_check_totals(plan_ids, frames: dict[int, PlanFrame]) -> dict[int, Decimal]:
    """Each plan's 組織診斷 total out of 1000 as `diagnosis.score_reads.diagnosis_summary` states it (the latest
    closed round, else the open one; the submitted units' average), for many plans in one query."""
    submitted_scores = (
        DiagnosisAnswer.objects.filter(
            unit_diagnosis__round=OuterRef("pk"), unit_diagnosis__state=UnitDiagnosis.State.SUBMITTED
        )
        .order_by()
        .values("unit_diagnosis__round")
        .annotate(total=Sum("score"))
        .values("total")
    )
    rounds = (
        DiagnosisRound.objects.filter(plan_id__in=plan_ids)
        .with_unit_counts()
        .annotate(score_sum=Subquery(submitted_scores))
        .order_by(
            "plan_id",
            Case(When(state=DiagnosisRound.State.CLOSED, then=Value(0)), default=Value(1)),
            "-opens_on",
            "-pk",
        )
    )
    found: dict[int, Decimal] = {}
    seen: set[int] = set()
    for diagnosis_round in rounds:
        if diagnosis_round.plan_id in seen:
            continue
        seen.add(diagnosis_round.plan_id)
        max_total = sum(frames[diagnosis_round.plan_id].dimension_points.values())
        total = precinct_total_1000(diagnosis_round.score_sum or 0, diagnosis_round.submitted_count, max_total)
        if total is not None:
            found[diagnosis_round.plan_id] = total
    return found


def last_year_results(scoring_round: ScoringRound, organization_ids) -> dict[int, Decimal]:
    """Organisation → its total out of 1000 in the latest published round of the year before (five queries)."""
    entries = list(
        ScoringPrecinct.objects.filter(
            round__state=ScoringRound.State.PUBLISHED,
            round__year=scoring_round.year - 1,
            round__organization_id=scoring_round.organization_id,
            plan__organization_id__in=organization_ids,
        )
        .select_related("round", "plan")
        .order_by("plan__organization_id", "-round__published_at", "-round__pk")
    )
    latest: dict[int, ScoringPrecinct] = {}
    for entry in entries:
        latest.setdefault(entry.plan.organization_id, entry)
    if not latest:
        return {}
    rounds = {e.round_id: e.round.spread_threshold for e in latest.values()}
    frames = plan_frames([e.plan_id for e in latest.values()])
    grouped: dict[tuple[int, int], dict[int, PointResult]] = defaultdict(dict)
    for (round_id, plan_id, fp), result in point_results(list(rounds), rounds).items():
        grouped[round_id, plan_id][fp] = result
    found = {}
    for organization_id, entry in latest.items():
        frame = frames[entry.plan_id]
        found[organization_id] = totals(
            grouped[entry.round_id, entry.plan_id], frame.dimension_of, frame.dimension_points
        ).total_1000
    return found


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
