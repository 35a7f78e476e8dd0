"""Service functions of the 評分回合: open, choose precincts, assign reviewers, start, settle, close, publish.
A reviewer's sheet is saved by `assessments.scoring_sheet.sheet_save`. Each writes all or nothing; a closed
round takes no write at all (ScoringError, in Chinese)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from diagnosis.models import FocusPoint, Plan, Unit

from .models import ReviewerAssignment, Score, ScoringPrecinct, ScoringRound, Settlement
from .scoring_access import assignable_reviewers
from .scoring_matrix import results_store
from .scoring_reads import flagged_results
from .scoring_results import unsettled

FROZEN = "此評分回合已結案，分數不能再修改。"
NOT_ASSIGNABLE = "只能指派警察局研考承辦或外聘評審委員擔任評審委員，請從清單中選擇。"


class ScoringError(Exception):
    """A write the round's state or the input does not allow; the message says why, in Chinese."""


def locked(scoring_round: ScoringRound) -> ScoringRound:
    """The round read again under a row lock, so that no write slips past a concurrent close."""
    return ScoringRound.objects.select_for_update().get(pk=scoring_round.pk)


def check_not_frozen(scoring_round: ScoringRound) -> ScoringRound:
    current = locked(scoring_round)
    if current.is_frozen:
        raise ScoringError(FROZEN)
    return current


def precinct_plans(organization: Unit, year: int):
    """The plans of `year` of the organisations below `organization`: the precincts a round may take."""
    return (
        Plan.objects.filter(year=year, organization__path__startswith=organization.path)
        .exclude(organization_id=organization.pk)
        .select_related("organization")
        .order_by("organization__tree_order")
    )


@transaction.atomic
def round_create(*, organization: Unit, year: int, title: str, spread_threshold: Decimal, user) -> ScoringRound:
    scoring_round = ScoringRound(
        organization=organization, year=year, title=title, spread_threshold=spread_threshold, created_by=user
    )
    scoring_round._history_user = user
    scoring_round.full_clean()
    scoring_round.save()
    return scoring_round


@transaction.atomic
def round_precincts_set(*, scoring_round: ScoringRound, groups: dict[int, str], user) -> None:
    """The round's precincts become the plans named in `groups` (plan pk → group label). A precinct that
    already has scores cannot be taken out."""
    check_not_frozen(scoring_round)
    allowed = {p.pk for p in precinct_plans(scoring_round.organization, scoring_round.year)}
    if set(groups) - allowed:
        raise ScoringError("所選的計畫不屬於本機關所屬分局的本年度計畫。")
    current = {p.plan_id: p for p in ScoringPrecinct.objects.filter(round=scoring_round)}
    leaving = [pk for pk in current if pk not in groups]
    if Score.objects.filter(round=scoring_round, plan_id__in=leaving).exists():
        raise ScoringError("已有委員評分的分局不能移出評分回合。")
    for pk in leaving:
        current[pk]._history_user = user
        current[pk].delete()
    for plan_id, group in groups.items():
        entry = current.get(plan_id) or ScoringPrecinct(round=scoring_round, plan_id=plan_id)
        if entry.pk is None or entry.group != group:
            entry.group = group.strip()[:30]
            entry._history_user = user
            entry.save()


@transaction.atomic
def assignment_add(*, scoring_round: ScoringRound, reviewer, dimension: str, user) -> ReviewerAssignment:
    check_not_frozen(scoring_round)
    if not reviewer.is_active:
        raise ScoringError("此帳號已停用，不能擔任評審委員。")
    if not assignable_reviewers(scoring_round).filter(pk=reviewer.pk).exists():
        raise ScoringError(NOT_ASSIGNABLE)
    assignment = ReviewerAssignment(round=scoring_round, reviewer=reviewer, dimension=dimension)
    assignment._history_user = user
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ScoringError(f"{reviewer.get_full_name() or reviewer.username} 已負責「{dimension}」。") from None
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewerAssignment, user) -> None:
    check_not_frozen(assignment.round)
    if Score.objects.filter(
        round_id=assignment.round_id,
        reviewer_id=assignment.reviewer_id,
        focus_point__item__dimension__name=assignment.dimension,
    ).exists():
        raise ScoringError("此委員已在這個構面評分，不能取消分工。")
    assignment._history_user = user
    assignment.delete()


def change_state(scoring_round: ScoringRound, state: str, user, **stamps) -> ScoringRound:
    scoring_round.state = state
    for name, value in stamps.items():
        setattr(scoring_round, name, value)
    scoring_round._history_user = user
    scoring_round.save(update_fields=["state", *stamps])
    return scoring_round


@transaction.atomic
def round_start(*, scoring_round: ScoringRound, user) -> ScoringRound:
    current = locked(scoring_round)
    if current.state != ScoringRound.State.PREPARING:
        raise ScoringError("此評分回合已開始評分。")
    if (
        not ScoringPrecinct.objects.filter(round=current).exists()
        or not ReviewerAssignment.objects.filter(round=current).exists()
    ):
        raise ScoringError("請先選定受評分局並指派評審委員，再開始評分。")
    return change_state(current, ScoringRound.State.SCORING, user)


@transaction.atomic
def settle(
    *, scoring_round: ScoringRound, plan: Plan, focus_point: FocusPoint, points: Decimal, reason: str, user
) -> Settlement:
    """Staff's points for a focus point (0 to its allotment), with the reason; replaces an earlier settlement."""
    check_not_frozen(scoring_round)
    if not reason.strip():
        raise ScoringError("請填寫裁定理由。")
    if points < 0 or points > (focus_point.points or 0):
        raise ScoringError(f"裁定分數須介於 0 至 {focus_point.points or 0} 分。")
    settlement = Settlement.objects.filter(
        round=scoring_round, plan=plan, focus_point=focus_point
    ).first() or Settlement(round=scoring_round, plan=plan, focus_point=focus_point)
    settlement.points, settlement.reason, settlement.settled_by = points, reason.strip(), user
    settlement._history_user = user
    settlement.save()
    return settlement


@transaction.atomic
def round_close(*, scoring_round: ScoringRound, user) -> ScoringRound:
    """Close the round: every flagged point must be settled first; its results are kept (`results_store`) and
    afterwards nothing is written."""
    current = locked(scoring_round)
    if current.state != ScoringRound.State.SCORING:
        raise ScoringError("只有評分中的回合可以結案。")
    left = unsettled(flagged_results(current).values())
    if left:
        raise ScoringError(f"尚有 {left} 個評核重點的委員分數差距超過門檻而未裁定，請先裁定再結案。")
    results_store(current)
    return change_state(current, ScoringRound.State.CLOSED, user, closed_at=timezone.now())


@transaction.atomic
def round_publish(*, scoring_round: ScoringRound, user) -> ScoringRound:
    current = locked(scoring_round)
    if current.state != ScoringRound.State.CLOSED:
        raise ScoringError("評分回合結案後才能公布成績。")
    return change_state(current, ScoringRound.State.PUBLISHED, user, published_at=timezone.now())
