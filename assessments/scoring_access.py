"""Who may see and change what in a 評分回合 (scoring round); every lookup of the scoring pages goes through here.

Rules:
- 研考承辦 (a STAFF membership) of the round's organisation — the bureau, a unit of kind 機關 — open rounds,
  choose the precincts (organisations below it with a plan of the round's year), assign reviewers to dimensions,
  settle flagged points, close and publish; 檢視者 there read the round and its results and change nothing (403);
- a reviewer (any active user assigned to the round) sees only the round's precincts and, of them, only the
  focus points of the dimensions assigned to them; another dimension's sheet is 404;
- once a round is published, each precinct's 研考承辦 read their own precinct's scores and comments per focus
  point; another precinct's result, the matrix and the ranking are 404 to them;
- everyone else: 404 for everything of the round.
Who may be assigned as a reviewer: `assignable_reviewers`.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from diagnosis.access import User, memberships_of
from diagnosis.models import Dimension, Membership, Unit
from sq_portal.lookups import one_or_none

from .models import ReviewerAssignment, ScoringPrecinct, ScoringRound

NOT_FOUND = "找不到此評分回合。"


def bureaus_of(user: User) -> list[Unit]:
    """The 機關 where the user is 研考承辦: where they may open rounds."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Unit.objects.filter(kind=Unit.Kind.AGENCY).order_by("tree_order"))
    return [m.unit for m in memberships_of(user) if m.role == Membership.Role.STAFF and m.unit.kind == Unit.Kind.AGENCY]


def rounds_for_user(user: User) -> QuerySet[ScoringRound]:
    """The rounds the user reads whole (bureau staff and viewers) or reviews (assigned), newest first; one query."""
    if not user.is_authenticated:
        return ScoringRound.objects.none()
    rounds = ScoringRound.objects.select_related("organization")
    if user.is_superuser:
        return rounds.all()
    bureau = Q(
        organization__memberships__user_id=user.pk,
        organization__memberships__role__in=[Membership.Role.STAFF, Membership.Role.VIEWER],
    )
    return rounds.filter(bureau | Q(assignments__reviewer_id=user.pk)).distinct()


def published_precincts_for_user(user: User) -> QuerySet[ScoringPrecinct]:
    """The precincts of published rounds whose 研考承辦 the user is: their own results; one query."""
    if not user.is_authenticated:
        return ScoringPrecinct.objects.none()
    return (
        ScoringPrecinct.objects.filter(
            round__state=ScoringRound.State.PUBLISHED,
            plan__organization__memberships__user_id=user.pk,
            plan__organization__memberships__role=Membership.Role.STAFF,
        )
        .select_related("round", "plan__organization")
        .order_by("-round__year", "-round__pk")
    )


def assignable_reviewers(scoring_round: ScoringRound) -> QuerySet:
    """Who may be assigned to the round's dimensions, active accounts only: the 研考承辦 of the round's organisation
    (`bureau_staff` is True) and the outside reviewers, accounts of no unit and no role (the demo's reviewer1 and
    reviewer2; not an administrator). A precinct's people, the bureau's 檢視者 and another bureau's staff may not.
    Bureau staff first, then by name; one query."""
    staff_here = Membership.objects.filter(
        user_id=OuterRef("pk"), unit_id=scoring_round.organization_id, role=Membership.Role.STAFF
    )
    outside = ~Exists(Membership.objects.filter(user_id=OuterRef("pk"))) & Q(is_superuser=False)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(bureau_staff=Exists(staff_here))
        .filter(Q(bureau_staff=True) | outside)
        .order_by("-bureau_staff", "first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class RoundAccess:
    """What one user may do with one round."""

    round: ScoringRound
    manages: bool = False  # bureau 研考承辦
    reads_all: bool = False  # bureau 研考承辦 and 檢視者
    dimensions: tuple[str, ...] = ()  # the dimensions the user reviews

    def require_manage(self) -> None:
        if not self.manages:
            raise PermissionDenied("只有警察局研考承辦可以管理評分回合。")

    def reviews(self, dimension_name: str) -> bool:
        return dimension_name in self.dimensions


def round_access(user: User, scoring_round: ScoringRound) -> RoundAccess | None:
    """The user's rights on the round, or None when it does not exist for them (two small queries)."""
    if not user.is_authenticated:
        return None
    dimensions = tuple(
        ReviewerAssignment.objects.filter(round=scoring_round, reviewer_id=user.pk)
        .order_by("dimension")
        .values_list("dimension", flat=True)
    )
    if user.is_superuser:
        return RoundAccess(scoring_round, manages=True, reads_all=True, dimensions=dimensions)
    roles = {m.role for m in memberships_of(user) if m.unit_id == scoring_round.organization_id}
    manages = Membership.Role.STAFF in roles
    reads_all = manages or Membership.Role.VIEWER in roles
    if not reads_all and not dimensions:
        return None
    return RoundAccess(scoring_round, manages=manages, reads_all=reads_all, dimensions=dimensions)


def get_round_for_user(user: User, pk: int) -> RoundAccess:
    """A round the user reads whole or reviews; 404 otherwise."""
    scoring_round = one_or_none(ScoringRound.objects.filter(pk=pk).select_related("organization", "created_by"))
    access = round_access(user, scoring_round) if scoring_round is not None else None
    if access is None:
        raise Http404(NOT_FOUND)
    return access


def require_reads_all(access: RoundAccess) -> None:
    """The matrix, the results and the settlements: bureau staff and viewers only; 404 to reviewers."""
    if not access.reads_all:
        raise Http404(NOT_FOUND)


def get_precinct(access: RoundAccess, pk: int) -> ScoringPrecinct:
    """A precinct of the round (every reader of the round sees its precincts); 404 otherwise."""
    precinct = one_or_none(
        ScoringPrecinct.objects.filter(round=access.round, pk=pk).select_related("plan__organization")
    )
    if precinct is None:
        raise Http404("找不到此受評分局。")
    precinct.round = access.round
    return precinct


def get_sheet_dimension(access: RoundAccess, precinct: ScoringPrecinct, position: int) -> Dimension:
    """The dimension at `position` of the precinct's plan, if the user reviews it; 404 otherwise (staff too:
    a sheet is its reviewer's)."""
    dimension = one_or_none(Dimension.objects.filter(plan_id=precinct.plan_id, position=position))
    if dimension is None or not access.reviews(dimension.name):
        raise Http404("找不到此評分表。")
    return dimension


def get_published_precinct_for_user(user: User, round_pk: int, pk: int) -> ScoringPrecinct:
    """One precinct's result: to the bureau's staff and viewers always; once published, to that precinct's
    研考承辦 too; 404 to everyone else (a reviewer included)."""
    precinct = one_or_none(
        ScoringPrecinct.objects.filter(round_id=round_pk, pk=pk).select_related(
            "round__organization", "plan__organization"
        )
    )
    if precinct is None or not user.is_authenticated:
        raise Http404("找不到此評分結果。")
    access = round_access(user, precinct.round)
    if access is not None and access.reads_all:
        return precinct
    if not (precinct.round.is_published and is_precinct_staff(user, precinct)):
        raise Http404("找不到此評分結果。")
    return precinct


def is_precinct_staff(user: User, precinct: ScoringPrecinct) -> bool:
    """The user is 研考承辦 of the precinct itself (who may turn a comment into next year's measure draft)."""
    return any(
        m.role == Membership.Role.STAFF and m.unit_id == precinct.plan.organization_id for m in memberships_of(user)
    )
