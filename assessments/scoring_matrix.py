"""評分回合的成績矩陣：各分局各構面得分、千分總分、總排名與組內排名、自評總分、去年成績。評分中的回合每次從
分數計算（`computed_matrix`）；結案時 `round_close` 以同一個計算寫入 `ScoringResult`（`results_store`），
結案或公布後的回合即讀這些列，不再讀分數（結案前建立、沒有這些列的回合仍從分數計算）。"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, OuterRef, Subquery, Sum, Value, When

from diagnosis.models import DiagnosisAnswer, DiagnosisRound, UnitDiagnosis
from diagnosis.scores import precinct_total_1000

from .models import ScoringPrecinct, ScoringResult, ScoringRound
from .scoring_reads import (
    PlanFrame,
    dimension_allotments,
    dimension_names,
    plan_dimensions,
    plan_frames,
    point_results,
    round_precincts,
)
from .scoring_results import PointResult, Totals, group_ranks, ranks, totals


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
    """Every precinct's points per dimension, total out of 1000, ranks, self-score and last year's result: a
    frozen round's as stored when it closed (three queries), else computed from the scores."""
    if scoring_round.is_frozen:
        stored = stored_matrix(scoring_round)
        if stored is not None:
            return stored
    return computed_matrix(scoring_round)


def computed_matrix(scoring_round: ScoringRound) -> ResultsMatrix:
    """The matrix computed from the round's submitted scores and settlements."""
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
    return ResultsMatrix(scoring_round, names, dimension_allotments(frames), rows)


def stored_totals(result: ScoringResult) -> Totals:
    by_dimension = {name: Decimal(points) for name, points in result.by_dimension.items()}
    return Totals(by_dimension, result.total, result.max_total)


def stored_matrix(scoring_round: ScoringRound) -> ResultsMatrix | None:
    """The matrix from the rows `results_store` wrote when the round closed (three queries); None when a
    precinct has none (a round closed before the rows were kept)."""
    precincts = round_precincts(scoring_round)
    stored = {r.precinct_id: r for r in ScoringResult.objects.filter(precinct__round=scoring_round)}
    if stored.keys() != {p.pk for p in precincts}:
        return None
    frames = plan_dimensions([p.plan_id for p in precincts])
    names = dimension_names(frames)
    rows = []
    for precinct in precincts:
        result = stored[precinct.pk]
        found = stored_totals(result)
        cells = [(name, found.by_dimension.get(name)) for name in names]
        rows.append(
            ResultRow(precinct, found, result.rank, result.group_rank, result.self_score, result.last_year, cells)
        )
    return ResultsMatrix(scoring_round, names, dimension_allotments(frames), rows)


def results_store(scoring_round: ScoringRound) -> None:
    """Keep the round's results as `computed_matrix` states them, one row per precinct, replacing any kept
    before; `round_close` calls it inside its transaction, after which the scores no longer change."""
    rows = computed_matrix(scoring_round).rows
    ScoringResult.objects.filter(precinct__round=scoring_round).delete()
    ScoringResult.objects.bulk_create(
        ScoringResult(
            precinct=row.precinct,
            by_dimension={name: str(points) for name, points in row.totals.by_dimension.items()},
            total=row.totals.total,
            max_total=row.totals.max_total,
            rank=row.rank,
            group_rank=row.group_rank,
            self_score=row.self_score,
            last_year=row.last_year,
        )
        for row in rows
    )


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
    """Organisation → its total out of 1000 in the latest published round of the year before: as stored when that
    round closed (two queries), else computed from its scores (five)."""
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
    stored = {r.precinct_id: r for r in ScoringResult.objects.filter(precinct__in=list(latest.values()))}
    found = {org: stored_totals(stored[e.pk]).total_1000 for org, e in latest.items() if e.pk in stored}
    latest = {org: e for org, e in latest.items() if e.pk not in stored}
    if not latest:
        return found
    rounds = {e.round_id: e.round.spread_threshold for e in latest.values()}
    frames = plan_frames([e.plan_id for e in latest.values()])
    grouped: dict[tuple[int, int], dict[int, PointResult]] = defaultdict(dict)
    for (round_id, plan_id, fp), result in point_results(list(rounds), rounds).items():
        grouped[round_id, plan_id][fp] = result
    for organization_id, entry in latest.items():
        frame = frames[entry.plan_id]
        found[organization_id] = totals(
            grouped[entry.round_id, entry.plan_id], frame.dimension_of, frame.dimension_points
        ).total_1000
    return found
