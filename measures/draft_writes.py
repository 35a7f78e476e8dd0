"""Service functions of the measure drafts: a unit head turns a problem found in the 組織診斷 into a draft, staff
adopt it (a new 附表2 measure) or decline it."""

from django.db import transaction
from django.utils import timezone

from diagnosis.diagnosis_writes import DiagnosisError
from diagnosis.models import DiagnosisAnswer, Item

from .measure_writes import measure_create
from .models import Measure, MeasureDraft
from .plan_units import only_inside


@transaction.atomic
def measure_draft_propose(*, answer: DiagnosisAnswer, name: str, content: str, user) -> MeasureDraft:
    """Turn the problem a unit found at one focus point into a measure proposal for staff."""
    if not answer.problems.strip():
        raise DiagnosisError("此評核重點尚未填寫發現的問題，請先儲存問題再提出措施草案。")
    diagnosis = answer.unit_diagnosis
    return measure_draft_create(
        plan_id=diagnosis.round.plan_id, focus_point=answer.focus_point, unit_id=diagnosis.unit_id, answer=answer,
        name=name, content=content, user=user,
    )


@transaction.atomic
def measure_draft_create(*, plan_id: int, focus_point, unit_id: int, name: str, content: str, user, answer=None) -> MeasureDraft:
    """A pending measure draft at `focus_point` of the plan, proposed by `unit_id` (from a 組織診斷 answer, or from
    a comment of the bureau's scoring round), checked and saved with its first history row."""
    draft = MeasureDraft(
        plan_id=plan_id,
        item_id=focus_point.item_id,
        focus_point=focus_point,
        unit_id=unit_id,
        answer=answer,
        name=name,
        content=content,
        proposed_by=user,
    )
    draft._history_user = user
    draft.full_clean()
    draft.save()
    return draft


def check_pending(draft: MeasureDraft) -> None:
    """Only a pending draft is adopted or declined (DiagnosisError with the reason): the services' rule, and the
    confirmation page's."""
    if draft.state != MeasureDraft.State.PENDING:
        raise DiagnosisError(f"此措施草案已處理（{draft.get_state_display()}），不能重複處理。")


def _pending(draft: MeasureDraft) -> MeasureDraft:
    locked = MeasureDraft.objects.select_for_update().get(pk=draft.pk)
    check_pending(locked)
    return locked


@transaction.atomic
def measure_draft_adopt(*, draft: MeasureDraft, user) -> Measure:
    """Adopt a proposal: a new 附表2 measure of the plan for the draft's item and focus point, with the
    proposing unit as 主辦 when it lies inside the plan's organisation (through `measure_create`); staff then
    set its deadline and indicators."""
    _pending(draft)
    plan = draft.plan
    item = Item.objects.select_related("dimension").get(pk=draft.item_id)
    last = Measure.objects.filter(plan=plan, source=Measure.Source.FORM2).order_by("-position").first()
    measure = measure_create(
        plan=plan,
        item=item,
        focus_point=draft.focus_point,
        source=Measure.Source.FORM2,
        position=(last.position + 1) if last else 1,
        name=draft.name,
        content=draft.content,
        lead_units=only_inside(plan, [draft.unit]),
        user=user,
    )
    _decide(draft, MeasureDraft.State.ADOPTED, user, measure=measure)
    return measure


@transaction.atomic
def measure_draft_decline(*, draft: MeasureDraft, user) -> MeasureDraft:
    _pending(draft)
    _decide(draft, MeasureDraft.State.DECLINED, user)
    return draft


def _decide(draft: MeasureDraft, state: str, user, measure: Measure | None = None) -> None:
    draft.state = state
    draft.decided_by = user
    draft.decided_at = timezone.now()
    draft.measure = measure
    draft._history_user = user
    draft.save(update_fields=["state", "decided_by", "decided_at", "measure"])
