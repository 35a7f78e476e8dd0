"""Helpers the 組織診斷 tests share: an even allotment of the 106 plan, a round, a unit's filled self-check."""

from collections.abc import Callable
from datetime import date

from diagnosis.diagnosis_writes import AnswerInput, allotment_save, round_open, unit_diagnosis_save
from diagnosis.models import DiagnosisRound, UnitDiagnosis
from diagnosis.score_reads import framework_of
from diagnosis.scores import FocusPointSlot, even_allotment


def allot_evenly(plan, user) -> None:
    """Each dimension's points split evenly over its items, each item's over its focus points."""
    items, focus_points = even_allotment(framework_of(plan))
    allotment_save(plan=plan, points={"items": items, "focus_points": focus_points}, user=user)


def open_round(plan, user, title="106年組織診斷", opens_on=date(2017, 3, 1), due_on=date(2017, 3, 31), allot=True) -> DiagnosisRound:
    if allot and not DiagnosisRound.objects.filter(plan=plan).exists():
        allot_evenly(plan, user)
    return round_open(plan=plan, title=title, opens_on=opens_on, due_on=due_on, user=user)


def fill(
    diagnosis: UnitDiagnosis,
    user,
    score: Callable[[FocusPointSlot], int | None] = lambda fp: fp.points,
    submit: bool = True,
    problems: Callable[[FocusPointSlot], str] = lambda fp: "",
) -> UnitDiagnosis:
    """Answer every focus point of the diagnosis's plan with `score(fp)`, then submit (or save a draft)."""
    framework = framework_of(diagnosis.round.plan_id)
    answers = {
        place.focus_point.pk: AnswerInput(score=score(place.focus_point), problems=problems(place.focus_point))
        for place in framework.located()
    }
    return unit_diagnosis_save(diagnosis=diagnosis, answers=answers, submit=submit, user=user)
