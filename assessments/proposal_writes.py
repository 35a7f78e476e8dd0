"""Service functions of the 創意提案: file a proposal, edit it while 已提案, move it through its review."""

from django.db import transaction
from django.utils import timezone

from diagnosis.models import Plan, Unit

from .models import Proposal, ProposalDecision
from .models.proposals import REASON_REQUIRED, TRANSITIONS

State = Proposal.State


class ProposalError(Exception):
    """The proposal cannot do this now; the message says why, in Chinese."""


class StaleProposal(ProposalError):
    """Someone else moved the proposal since the user loaded it."""


def _check_unit(plan: Plan, unit: Unit) -> None:
    if not unit.is_within(plan.organization):
        raise ProposalError(f"「{unit.name}」不屬於{plan.organization.name}，不能以此單位提案。")


@transaction.atomic
def proposal_file(*, plan: Plan, unit: Unit, title: str, problem: str, suggestion: str, user) -> Proposal:
    """File a new proposal (已提案) for `unit` of the plan's organisation."""
    _check_unit(plan, unit)
    proposal = Proposal(plan=plan, unit=unit, title=title, problem=problem, suggestion=suggestion, filed_by=user)
    proposal._history_user = user
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, unit: Unit, title: str, problem: str, suggestion: str, user) -> Proposal:
    """Change what a proposal says; only while it is 已提案 (once staff review it, its text is fixed)."""
    locked = Proposal.objects.select_for_update().select_related("plan__organization").get(pk=proposal.pk)
    if locked.state != State.FILED:
        raise ProposalError(f"此提案已{locked.get_state_display()}，不能再修改內容。")
    _check_unit(locked.plan, unit)
    locked.unit, locked.title, locked.problem, locked.suggestion = unit, title, problem, suggestion
    locked._history_user = user
    locked.full_clean()
    locked.save(update_fields=["unit", "title", "problem", "suggestion"])
    return locked


def proposal_kept_reason(proposal: Proposal) -> str | None:
    """Why this proposal may not be deleted (once staff started deciding it, it is a record), or None."""
    if proposal.state == State.FILED:
        return None
    return f"此提案已{proposal.get_state_display()}，須保留作為紀錄，不能刪除。"


@transaction.atomic
def proposal_delete(*, proposal: Proposal, user) -> None:
    """Delete a proposal filed by mistake; only while it is 已提案 (nothing decided yet). The history keeps who."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if reason := proposal_kept_reason(locked):
        raise ProposalError(reason)
    locked._history_user = user
    locked.delete()


@transaction.atomic
def proposal_transition(*, proposal: Proposal, to_state: str, reason: str, expected_state: str, user) -> ProposalDecision:
    """Move a proposal to its next state, keeping the step (from, to, reason, who, when).

    `expected_state` is the state the user saw: when someone else moved the proposal meanwhile the step is
    refused, so two staff deciding at once never overwrite each other."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != expected_state:
        raise StaleProposal(
            f"此提案的狀態已被他人改為「{locked.get_state_display()}」，請重新整理頁面後再決定。"
        )
    if to_state not in TRANSITIONS.get(locked.state, ()):
        allowed = "、".join(str(State(s).label) for s in TRANSITIONS.get(locked.state, ())) or "（無）"
        target = State(to_state).label if to_state in State.values else to_state
        raise ProposalError(f"提案目前為「{locked.get_state_display()}」，不能改為「{target}」；可改為：{allowed}。")
    reason = reason.strip()
    if to_state in REASON_REQUIRED and not reason:
        raise ProposalError(f"改為「{State(to_state).label}」時請填寫理由。")
    decision = ProposalDecision(
        proposal=locked, from_state=locked.state, to_state=to_state, reason=reason, decided_by=user,
        decided_at=timezone.now(),
    )
    decision.full_clean()
    decision.save()
    locked.state = to_state
    locked._history_user = user
    locked.save(update_fields=["state"])
    return decision
