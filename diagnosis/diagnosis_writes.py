"""Service functions of the 組織診斷: the allotment, opening and closing a round, a unit's self-check (and
staff returning a submitted one), and the measure drafts a unit proposes and staff adopt or decline. Views, commands and tests call these."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import score_reads, scores
from .models import DiagnosisAnswer, DiagnosisRound, FocusPoint, Item, Plan, Unit, UnitDiagnosis


class DiagnosisError(Exception):
    """The diagnosis cannot do this now; the message says why, in Chinese."""


class AllotmentError(DiagnosisError):
    """The allotment does not add up; `problems` lists each mistake in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


ALREADY_OPEN = "此計畫已有進行中的組織診斷，請先結束再開新的一次。"
ALLOTMENT_LOCKED = "此計畫已開啟過組織診斷，配分不能再修改（否則各次分數無法比較）。"


# ---------------------------------------------------------------- allotment


@transaction.atomic
def allotment_save(*, plan: Plan, points: Mapping[str, Mapping[int, int | None]], user) -> None:
    """Set the points of every item and focus point of `plan`: points = {"items": {pk: n}, "focus_points": {pk: n}}.

    All or nothing: refused (AllotmentError, in Chinese, naming the dimension or item and the sums) when any
    dimension's items do not add up to its points or any item's focus points to the item's points, when a
    row of another plan is named, or once a diagnosis round of the plan has been opened."""
    if DiagnosisRound.objects.filter(plan=plan).exists():
        raise AllotmentError([ALLOTMENT_LOCKED])
    framework = score_reads.framework_of(plan)
    item_points = dict(points.get("items", {}))
    fp_points = dict(points.get("focus_points", {}))
    known_items = {i.pk for d in framework.dimensions for i in d.items}
    known_fps = set(framework.focus_point_points())
    if set(item_points) - known_items or set(fp_points) - known_fps:
        raise AllotmentError(["配分含有不屬於此計畫的評核項目或評核重點。"])
    negative = [v for v in [*item_points.values(), *fp_points.values()] if v is not None and v < 0]
    if negative:
        raise AllotmentError(["配分不可為負數。"])
    problems = scores.allotment_problems(framework.with_points(item_points, fp_points))
    if problems:
        raise AllotmentError(problems)
    items = [i for i in Item.objects.filter(dimension__plan=plan) if i.points != item_points.get(i.pk)]
    for item in items:
        item.points = item_points.get(item.pk)
    bulk_update_with_history(items, Item, ["points"], default_user=user)
    fps = [f for f in FocusPoint.objects.filter(item__dimension__plan=plan) if f.points != fp_points.get(f.pk)]
    for fp in fps:
        fp.points = fp_points.get(fp.pk)
    bulk_update_with_history(fps, FocusPoint, ["points"], default_user=user)


# ---------------------------------------------------------------- rounds


def participating_units(plan: Plan) -> QuerySet[Unit]:
    """The units that diagnose themselves: those directly below the plan's organisation (a precinct's
    內勤單位, 偵查隊 and 派出所), in the order the unit tree lists them."""
    return Unit.objects.filter(parent=plan.organization_id).order_by("position", "path", "pk")


def _open_round_exists(plan: Plan) -> bool:
    return DiagnosisRound.objects.filter(plan=plan, state=DiagnosisRound.State.OPEN).exists()


@transaction.atomic
def round_open(*, plan: Plan, title: str, opens_on: date, due_on: date, user) -> DiagnosisRound:
    """Open a diagnosis round with an empty draft for every participating unit. Refused while another round
    of the plan is open, when the allotment is not complete, or when the plan's organisation has no units."""
    if _open_round_exists(plan):
        raise DiagnosisError(ALREADY_OPEN)
    problems = scores.allotment_problems(score_reads.framework_of(plan))
    if problems:
        more = f"（共 {len(problems)} 項待處理）" if len(problems) > 1 else ""
        raise DiagnosisError(f"配分尚未完成，不能開啟組織診斷：{problems[0]}{more}")
    if due_on < opens_on:
        raise DiagnosisError("填報截止日不可早於開始日期。")
    units = list(participating_units(plan))
    if not units:
        raise DiagnosisError("此計畫的機關沒有下屬單位，無從辦理組織診斷。")
    diagnosis_round = DiagnosisRound(plan=plan, title=title, opens_on=opens_on, due_on=due_on, created_by=user)
    diagnosis_round._history_user = user
    diagnosis_round.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            diagnosis_round.save()
    except IntegrityError:
        # Another round of this plan was opened between the check above and this save.
        raise DiagnosisError(ALREADY_OPEN) from None
    bulk_create_with_history(
        [UnitDiagnosis(round=diagnosis_round, unit=unit) for unit in units], UnitDiagnosis, default_user=user
    )
    return diagnosis_round


@transaction.atomic
def round_close(*, diagnosis_round: DiagnosisRound, user) -> DiagnosisRound:
    """End the round: nothing more can be saved or submitted; drafts stay unsent and are not counted."""
    locked = DiagnosisRound.objects.select_for_update().get(pk=diagnosis_round.pk)
    if not locked.is_open:
        raise DiagnosisError("此組織診斷已結束。")
    diagnosis_round.state = DiagnosisRound.State.CLOSED
    diagnosis_round.closed_at = timezone.now()
    diagnosis_round._history_user = user
    diagnosis_round.save(update_fields=["state", "closed_at"])
    return diagnosis_round


# ---------------------------------------------------------------- a unit's self-check


@dataclass(frozen=True)
class AnswerInput:
    score: int | None = None
    problems: str = ""
    improvements: str = ""


@transaction.atomic
def unit_diagnosis_save(
    *, diagnosis: UnitDiagnosis, answers: Mapping[int, AnswerInput], submit: bool = False, user
) -> UnitDiagnosis:
    """Save a unit's answers (focus point pk → AnswerInput) as a draft, or submit them.

    A unit edits its diagnosis while it is a draft and the round is open; once submitted it is final.
    Every score must lie between 0 and its focus point's points; submitting needs every focus point scored.
    All or nothing."""
    locked = UnitDiagnosis.objects.select_for_update().select_related("round").get(pk=diagnosis.pk)
    if locked.is_submitted:
        raise DiagnosisError("此單位的自評已送出，不能再修改。")
    if not locked.round.is_open:
        raise DiagnosisError("此組織診斷已結束，不能再填寫。")
    framework = score_reads.framework_of(locked.round.plan_id)
    places = {place.focus_point.pk: place for place in framework.located()}
    unknown = set(answers) - set(places)
    if unknown:
        raise DiagnosisError("填寫的評核重點不屬於此計畫。")
    for pk, answer in answers.items():
        fp = places[pk].focus_point
        if answer.score is not None and not 0 <= answer.score <= (fp.points or 0):
            raise DiagnosisError(f"「{fp.name}」的分數應在 0 至 {fp.points or 0} 分之間。")
    existing = {a.focus_point_id: a for a in DiagnosisAnswer.objects.filter(unit_diagnosis=locked)}
    if submit:
        unscored = [
            places[pk].focus_point.name
            for pk in places
            if (answers[pk].score if pk in answers else getattr(existing.get(pk), "score", None)) is None
        ]
        if unscored:
            raise DiagnosisError(f"尚有 {len(unscored)} 個評核重點未評分（「{unscored[0]}」等），不能送出。")
    new, changed = [], []
    for pk, answer in answers.items():
        row = existing.get(pk)
        values = {"score": answer.score, "problems": answer.problems, "improvements": answer.improvements}
        if row is None:
            if answer.score is None and not answer.problems and not answer.improvements:
                continue
            new.append(DiagnosisAnswer(unit_diagnosis=locked, focus_point_id=pk, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    bulk_create_with_history(new, DiagnosisAnswer, default_user=user)
    bulk_update_with_history(changed, DiagnosisAnswer, ["score", "problems", "improvements"], default_user=user)
    locked._history_user = user
    if submit:
        locked.state = UnitDiagnosis.State.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = timezone.now()
        # A returned diagnosis sent again: the reason has been dealt with (its history keeps it).
        locked.return_reason, locked.returned_by, locked.returned_at = "", None, None
        locked.save(
            update_fields=["state", "submitted_by", "submitted_at", "return_reason", "returned_by", "returned_at", "updated_at"]
        )
    else:
        locked.save(update_fields=["updated_at"])
    _copy_state(locked, diagnosis)
    return diagnosis


@transaction.atomic
def unit_diagnosis_return(*, diagnosis: UnitDiagnosis, reason: str, user) -> UnitDiagnosis:
    """Staff send a submitted diagnosis back to its unit while the round is open: it becomes a draft again
    (its answers kept) with the reason shown to the unit head, who corrects it and submits it again. Until then
    it is not counted in the results. Refused, writing nothing, when the reason is blank, the round has ended
    or the diagnosis is not submitted."""
    reason = (reason or "").strip()
    if not reason:
        raise DiagnosisError("請填寫退回原因，讓單位知道要修正什麼。")
    # Locks the diagnosis and its round (so the round cannot be closed meanwhile).
    locked = UnitDiagnosis.objects.select_for_update().select_related("round").get(pk=diagnosis.pk)
    if not locked.round.is_open:
        raise DiagnosisError("此組織診斷已結束，不能再退回自評。")
    if not locked.is_submitted:
        raise DiagnosisError("此單位的自評尚未送出（或已被退回），不能退回。")
    locked.state = UnitDiagnosis.State.DRAFT
    locked.submitted_by, locked.submitted_at = None, None
    locked.return_reason, locked.returned_by, locked.returned_at = reason, user, timezone.now()
    locked._history_user = user
    locked.save(
        update_fields=["state", "submitted_by", "submitted_at", "return_reason", "returned_by", "returned_at", "updated_at"]
    )
    _copy_state(locked, diagnosis)
    return diagnosis


def _copy_state(locked: UnitDiagnosis, diagnosis: UnitDiagnosis) -> None:
    """Bring the caller's object up to date with what was saved through the locked copy."""
    for name in ["state", "submitted_by", "submitted_at", "return_reason", "returned_by", "returned_at"]:
        setattr(diagnosis, name, getattr(locked, name))
