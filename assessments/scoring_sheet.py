"""A reviewer's 評分表: one precinct, one dimension, the reviewer's own scores of its focus points beside the
precinct's 組織診斷 (its units' average score and the problems they found); saved as a draft (暫存) or sent
(送出), all rows or none. A row somebody changed since the page was read is refused, saying who changed it to what."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from diagnosis.models import DiagnosisAnswer, Dimension, FocusPoint, Plan, UnitDiagnosis
from diagnosis.score_reads import latest_diagnosis_round
from diagnosis.scores import one_decimal
from sq_portal.roc_dates import format_roc

from .models import Score, ScoringRound
from .scoring_writes import FROZEN, ScoringError, locked


@dataclass
class SelfCheck:
    average: Decimal | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (unit name, problems found)


@dataclass
class SheetRow:
    focus_point: FocusPoint
    score: Score | None
    self_check: SelfCheck


def sheet_focus_points(dimension: Dimension) -> list[FocusPoint]:
    return list(
        FocusPoint.objects.filter(item__dimension=dimension)
        .select_related("item")
        .order_by("item__position", "position")
    )


def self_checks(plan_id: int, focus_points: list[FocusPoint]) -> dict[int, SelfCheck]:
    """The precinct's latest 組織診斷 (`latest_diagnosis_round`) at these focus points: the submitted units'
    average and their problems found (two queries)."""
    found = latest_diagnosis_round(plan_id=plan_id)
    if not found:
        return {}
    scores: dict[int, list[int]] = defaultdict(list)
    checks: dict[int, SelfCheck] = defaultdict(SelfCheck)
    for fp_pk, score, problems, unit_name in (
        DiagnosisAnswer.objects.filter(
            unit_diagnosis__round=found[0],
            unit_diagnosis__state=UnitDiagnosis.State.SUBMITTED,
            focus_point__in=focus_points,
        )
        .order_by("focus_point_id", "unit_diagnosis__unit__tree_order")
        .values_list("focus_point_id", "score", "problems", "unit_diagnosis__unit__name")
    ):
        if score is not None:
            scores[fp_pk].append(score)
        if problems.strip():
            checks[fp_pk].notes.append((unit_name, problems.strip()))
    for fp_pk, values in scores.items():
        checks[fp_pk].average = one_decimal(Fraction(sum(values), len(values)))
    return checks


def sheet_rows(scoring_round: ScoringRound, plan: Plan, dimension: Dimension, reviewer) -> list[SheetRow]:
    """The sheet's rows in plan order (four queries)."""
    focus_points = sheet_focus_points(dimension)
    scores = {
        s.focus_point_id: s
        for s in Score.objects.filter(
            round=scoring_round, plan=plan, reviewer=reviewer, focus_point__in=focus_points
        ).select_related("updated_by")
    }
    checks = self_checks(plan.pk, focus_points)
    return [SheetRow(fp, scores.get(fp.pk), checks.get(fp.pk, SelfCheck())) for fp in focus_points]


def sheet_submitted(rows: list[SheetRow]) -> bool:
    return bool(rows) and all(row.score is not None and row.score.state == Score.State.SUBMITTED for row in rows)


@dataclass(frozen=True)
class SheetInput:
    focus_point: FocusPoint
    version: int  # the version of the reviewer's score the page showed; 0 when it showed none
    points: Decimal | None
    comment: str


class SheetErrors(Exception):
    """Rows that cannot be saved: focus point pk → Chinese message; nothing was written."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("、".join(errors.values()))
        self.errors = errors


def changed_meanwhile(score: Score | None) -> str:
    if score is None:
        return "您開啟本頁後，此評核重點的分數已被刪除，請重新整理後再填。"
    who = score.updated_by.get_full_name() or score.updated_by.username
    when = timezone.localtime(score.updated_at)
    return f"您開啟本頁後，{who} 已於 {format_roc(when)} {when:%H:%M} 將分數改為 {score.points} 分，請重新整理後再填。"


@transaction.atomic
def sheet_save(
    *, scoring_round: ScoringRound, plan: Plan, reviewer, rows: list[SheetInput], submit: bool
) -> list[Score]:
    """Save the reviewer's scores of `rows`: as drafts, or sent (`submit`: every row needs points). A closed
    or not yet started round, or a sheet already sent: ScoringError. A row out of range, empty at sending, or
    changed since it was read: SheetErrors. Either way nothing is written."""
    current_round = locked(scoring_round)
    if current_round.is_frozen:
        raise ScoringError(FROZEN)
    if current_round.state != ScoringRound.State.SCORING:
        raise ScoringError("此評分回合尚未開始評分。")
    current = {
        s.focus_point_id: s
        for s in Score.objects.select_for_update()
        .filter(round=scoring_round, plan=plan, reviewer=reviewer, focus_point__in=[row.focus_point for row in rows])
        .select_related("updated_by")
    }
    if any(s.state == Score.State.SUBMITTED for s in current.values()):
        raise ScoringError("此評分表已送出，不能再修改。")
    errors: dict[int, str] = {}
    for row in rows:
        now = current.get(row.focus_point.pk)
        allotted = row.focus_point.points or 0
        if (now.version if now else 0) != row.version:
            errors[row.focus_point.pk] = changed_meanwhile(now)
        elif row.points is None:
            if submit:
                errors[row.focus_point.pk] = "送出前請為每個評核重點評分。"
        elif row.points < 0 or row.points > allotted:
            errors[row.focus_point.pk] = f"分數須介於 0 至 {allotted} 分。"
    if errors:
        raise SheetErrors(errors)
    saved = []
    for row in rows:
        score = current.get(row.focus_point.pk)
        if row.points is None:
            if score is not None:
                score._history_user = reviewer
                score.delete()
            continue
        if score is None:
            score = Score(round=scoring_round, plan=plan, focus_point=row.focus_point, reviewer=reviewer, version=0)
        score.points, score.comment, score.updated_by = one_decimal(row.points), row.comment, reviewer
        score.state = Score.State.SUBMITTED if submit else Score.State.DRAFT
        score.version += 1
        score._history_user = reviewer
        score.save()
        saved.append(score)
    return saved
