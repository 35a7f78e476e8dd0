"""Who may see and change the 組織診斷, on top of `measures.access` (one helper per object, scoped to the plan).

- 研考承辦 (staff) open and close rounds, allot the points, adopt or decline measure drafts; they see which
  units have submitted and read the submitted diagnoses, never a unit's draft; while the round is open they
  may send a submitted diagnosis back to its unit (退回, with a reason), which makes it a draft again.
- 檢視者 (viewers) read what staff read; any change is 403.
- 單位主管 (unit heads) fill their own unit's diagnosis and read only that one (draft or submitted); another
  unit's diagnosis, draft or submitted, does not exist for them (404). On the results they see their own
  unit's figures and the precinct's.
- Someone who cannot see the plan gets 404 for everything (get_plan_for_user)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from measures.access import PlanAccess
from sq_portal.lookups import one_or_none

from .models import DiagnosisAnswer, DiagnosisRound, UnitDiagnosis


def get_round_for_user(access: PlanAccess, pk: int) -> DiagnosisRound:
    """A round of the plan the user already has access to; 404 otherwise."""
    diagnosis_round = one_or_none(DiagnosisRound.objects.filter(plan=access.plan, pk=pk).select_related("created_by"))
    if diagnosis_round is None:
        raise Http404("找不到此組織診斷。")
    diagnosis_round.plan = access.plan
    return diagnosis_round


def owns(access: PlanAccess, unit_id: int) -> bool:
    """The user heads this unit."""
    return any(unit.pk == unit_id for unit in access.head_units)


def sees_diagnosis(access: PlanAccess, diagnosis: UnitDiagnosis) -> bool:
    """The unit's own head always; staff and viewers once it is submitted; nobody else."""
    return owns(access, diagnosis.unit_id) or (access.reads_all and diagnosis.is_submitted)


def get_unit_diagnosis_for_user(access: PlanAccess, diagnosis_round: DiagnosisRound, code: str) -> UnitDiagnosis:
    """The diagnosis of unit `code` in the round, if the user may see it; 404 otherwise."""
    diagnosis = one_or_none(
        UnitDiagnosis.objects.filter(round=diagnosis_round, unit__code=code).select_related("unit", "submitted_by", "returned_by")
    )
    if diagnosis is None or not sees_diagnosis(access, diagnosis):
        raise Http404("找不到此單位的自評。")
    diagnosis.round = diagnosis_round
    return diagnosis


def can_fill(access: PlanAccess, diagnosis: UnitDiagnosis) -> bool:
    """The unit's head may still change it: a draft in an open round."""
    return owns(access, diagnosis.unit_id) and not diagnosis.is_submitted and diagnosis.round.is_open


def own_diagnoses(access: PlanAccess, diagnosis_round: DiagnosisRound) -> list[UnitDiagnosis]:
    """The diagnoses of the round that belong to the user's own units (one query; none for staff and viewers)."""
    if not access.head_units:
        return []
    return list(
        UnitDiagnosis.objects.filter(round=diagnosis_round, unit__in=[u.pk for u in access.head_units]).for_round()
    )


def get_answer_for_user(access: PlanAccess, pk: int) -> DiagnosisAnswer:
    """An answer of the user's own unit, to propose a measure from; 403 to staff and viewers who may read
    its submitted diagnosis; 404 to everyone else."""
    answer = one_or_none(
        DiagnosisAnswer.objects.filter(pk=pk, unit_diagnosis__round__plan=access.plan)
        .select_related("unit_diagnosis__round", "unit_diagnosis__unit", "focus_point__item__dimension")
    )
    if answer is None or not sees_diagnosis(access, answer.unit_diagnosis):
        raise Http404("找不到此自評項目。")
    if not owns(access, answer.unit_diagnosis.unit_id):
        raise PermissionDenied("只有該單位主管可以提出措施草案。")
    return answer
