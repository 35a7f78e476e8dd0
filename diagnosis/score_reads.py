"""組織診斷的分數從資料庫讀出：計畫的評核架構與配分（`framework_of`）、一次診斷的結果（`round_result_of`）、
可比較的前一次診斷（`previous_round_of`）與計畫總覽的摘要（`diagnosis_summary`），查詢數固定；計算在 `diagnosis.scores`。"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, OuterRef, Q, Subquery, Sum, Value, When

from .framework_tree import plan_framework
from .models import DiagnosisAnswer, DiagnosisRound, UnitDiagnosis
from .scores import DimensionSlot, FocusPointSlot, Framework, ItemSlot, RoundResult, precinct_total_1000, round_result


def framework_of(plan) -> Framework:
    """The plan's (or plan id's) dimensions, items and focus points with their points, as scoring slots: one
    query (`framework_tree.plan_framework`, the pages' reader of the same tables)."""

    return Framework(tuple(
        DimensionSlot(d.pk, d.name, d.points, tuple(
            ItemSlot(i.pk, i.name, i.points, tuple(FocusPointSlot(f.pk, f.name, f.points, (d.name, i.name, f.name)) for f in i.focus_points))
            for i in d.items
        ))
        for d in plan_framework(plan, criteria=False)
    ))


def round_result_of(diagnosis_round) -> RoundResult:
    """A round's result from its submitted diagnoses (three queries: the framework, the units, the answers)."""

    framework = framework_of(diagnosis_round.plan_id)
    diagnoses = list(UnitDiagnosis.objects.filter(round=diagnosis_round).for_round())
    answers: dict[int, dict[int, int | None]] = {}
    rows = DiagnosisAnswer.objects.filter(
        unit_diagnosis__round=diagnosis_round, unit_diagnosis__state=UnitDiagnosis.State.SUBMITTED
    ).values_list("unit_diagnosis__unit_id", "focus_point_id", "score")
    for unit_id, fp_id, score in rows:
        answers.setdefault(unit_id, {})[fp_id] = score
    return round_result(framework, [(d.unit, d.is_submitted) for d in diagnoses], answers)


def previous_round_of(diagnosis_round):
    """The round to compare with: the latest closed earlier round of the same plan; failing that, the latest
    closed round of the same organisation's plan of the year before. One query."""


    plan = diagnosis_round.plan
    same_plan_before = Q(plan=plan) & (
        Q(opens_on__lt=diagnosis_round.opens_on) | Q(opens_on=diagnosis_round.opens_on, pk__lt=diagnosis_round.pk)
    )
    last_year = Q(plan__organization_id=plan.organization_id, plan__year=plan.year - 1)
    return (
        DiagnosisRound.objects.filter(same_plan_before | last_year, state=DiagnosisRound.State.CLOSED)
        .select_related("plan")
        .order_by(Case(When(plan=plan, then=Value(0)), default=Value(1)), "-opens_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class DiagnosisSummary:
    round: Any  # DiagnosisRound
    total_1000: Decimal | None  # the precinct's average of submitted units; None when nobody submitted
    submitted_count: int
    unit_count: int


def latest_diagnosis_round(*, plan_id):
    """The plan's latest closed round (or the open one), with its unit counts and its submitted scores' sum."""


    submitted_scores = (
        DiagnosisAnswer.objects.filter(unit_diagnosis__round=OuterRef("pk"), unit_diagnosis__state=UnitDiagnosis.State.SUBMITTED)
        .order_by()
        .values("unit_diagnosis__round")
        .annotate(total=Sum("score"))
        .values("total")
    )
    # Not for_list(): the card shows no one who opened the round, and joining them (a user's eleven columns,
    # grouped by, and a User built) cost 0.3 ms of this one-row read's 2.2 ms (N=30, PostgreSQL).
    return (
        DiagnosisRound.objects.filter(plan_id=plan_id)
        .with_unit_counts()
        .annotate(score_sum=Subquery(submitted_scores))
        .order_by(Case(When(state=DiagnosisRound.State.CLOSED, then=Value(0)), default=Value(1)), "-opens_on", "-pk")[:1]
    )


def diagnosis_summary(plan, *, max_total: int | None = None) -> DiagnosisSummary | None:
    """The plan's latest closed diagnosis round (or, when none is closed, the open one): the precinct's
    total out of 1000 and how many units submitted. None when the plan has no round. One query (the round
    with its counts and its submitted scores' sum), and one more for the dimensions' points unless the caller
    gives their sum (`max_total`, as the dashboard does from the framework it has read)."""
    found = latest_diagnosis_round(plan_id=plan.pk)
    if not found:
        return None
    latest = found[0]
    total = None
    if latest.submitted_count:
        if max_total is None:
            max_total = sum(dimension.points for dimension in plan.dimensions.all())
        total = precinct_total_1000(latest.score_sum or 0, latest.submitted_count, max_total)
    return DiagnosisSummary(round=latest, total_1000=total, submitted_count=latest.submitted_count, unit_count=latest.unit_count)
