"""Which plans a user may read, and which of them a page opens: the reads every page makes for its navigation.

A superuser reads every plan. Anyone else reads the plans of the organisations at or above their units (their own
chain) and, as 研考承辦 or 檢視者 of a unit, the plans of every unit below it. Each read over those plans is a
`PlanRead`: baked twice (sq_portal.baked_reads), over every plan and over the plans a user's units make visible,
the latter compiled once per connection for each length of the user's chain and of their units read below."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length

from diagnosis.models import Membership, Plan
from sq_portal.baked_reads import BakedRead, baked_read

User = AbstractBaseUser | AnonymousUser
OTHER_PLANS_SHOWN = 30  # the plan tree's links to other plans


@baked_read
def user_memberships(*, user_id):
    return Membership.objects.filter(user_id=user_id).select_related("unit").order_by()


def memberships_of(user: User) -> list[Membership]:
    """The user's roles with their units, in the model's order (unit, role); one query, remembered on the user
    object for the request. Every page asks (the navigation), so the few rows are sorted here: ordering in
    SQL by the unit's position made Django build the ordering through the join, a third of the query's cost."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sq_memberships", None)
    if cached is None:
        cached = sorted(user_memberships(user_id=user.pk), key=lambda m: (m.unit.position, m.unit.pk, m.role))
        user._sq_memberships = cached
    return cached


def plans_for_user(user: User) -> QuerySet[Plan]:
    """Plans the user may read: those of the organisations above or at their units, and, for staff and
    viewers, those of every unit below theirs. A superuser reads every plan."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    own_chain, read_below = _visibility(user)
    if not own_chain and not read_below:
        return Plan.objects.none()
    return Plan.objects.filter(_visible(own_chain, read_below))


def _visibility(user: User) -> tuple[list[int], list[str]]:
    """What decides which plans a user reads: the ids of the organisations at or above any of their units (their
    own chain), and the paths of the units where they are 研考承辦 or 檢視者, whose plans below they read too.
    Each sorted and each value once, so that the same user gives the same parameters (baked reads below)."""
    own_chain: set[int] = set()
    read_below: set[str] = set()
    for membership in memberships_of(user):
        own_chain.update(membership.unit.ancestor_ids())
        if membership.role in (Membership.Role.STAFF, Membership.Role.VIEWER):
            read_below.add(membership.unit.path)
    return sorted(own_chain), sorted(read_below)


def _visible(own_chain: list[int], read_below: list[str]) -> Q:
    condition = Q(organization_id__in=own_chain)
    for path in read_below:
        condition |= Q(organization__path__startswith=path)
    return condition


class PlanRead:
    """(A decorator.) A read of the plans a user may read: `build(plans, own_chain=…, **params)` gives a QuerySet of `plans`, the
    plans the user reads, with `own_chain` for a preference. Calling it with a user and the other parameters runs
    it, with SQL compiled once per connection: `every` for a superuser, `visible` for anyone else."""

    def __init__(self, build: Callable[..., QuerySet]):
        def every(*, own_chain, read_below, **params):
            return build(Plan.objects.all(), own_chain=own_chain, **params)

        def visible(*, own_chain, read_below, **params):
            return build(Plan.objects.filter(_visible(own_chain, read_below)), own_chain=own_chain, **params)

        every.__qualname__ = f"{build.__qualname__}（全部計畫）"
        visible.__qualname__ = f"{build.__qualname__}（可閱計畫）"
        self.build, self.every, self.visible = build, BakedRead(every), BakedRead(visible)

    def __call__(self, user: User, **params) -> list:
        if not user.is_authenticated:
            return []
        own_chain, read_below = _visibility(user)
        if user.is_superuser:
            return self.every(own_chain=own_chain, read_below=read_below, **params)
        if not own_chain and not read_below:
            return []
        return self.visible(own_chain=own_chain, read_below=read_below, **params)


def preferred_plan(user: User, plans: QuerySet[Plan]) -> Plan | None:
    """Of `plans`, the newest year's plan of the user's own organisation: the deepest organisation at or above
    one of their units (a unit head's precinct, not the bureau); failing that (bureau staff looking down),
    the one nearest the root, the first of those in the tree's order. One query, one row: the preference is
    an ORDER BY, so a national staff member's thousands of visible plans are sorted by the database, not
    built as instances."""
    return _preferred(plans, _visibility(user)[0]).first()


def _preferred(plans: QuerySet[Plan], own_chain: list[int]) -> QuerySet[Plan]:
    """`preferred_plan`'s ordering, for a user whose own chain is `own_chain`; at most one plan."""
    # The organisation's depth, as the length of its sort key (units.TREE_ORDER_SEGMENT_LENGTH characters a
    # level). Counting the path's slashes, LENGTH(path) - LENGTH(REPLACE(path, '/', '')), gave the same order
    # with four expressions to build, twice over in the CASE below: the whole lookup took 1.31 ms for a
    # superuser and 2.05 ms for a unit head (N=30, PostgreSQL), now 1.14 and 1.64 ms.
    depth = Length("organization__tree_order")
    # The organisation's parent too: the navigation titles the plan with its official name (士林分局's parent
    # is the bureau: 臺北市政府警察局士林分局), read without another query for a precinct's or bureau's plan.
    plans = plans.select_related("organization__parent")
    if not own_chain:  # (a constant CASE would be ORDER BY 1, which PostgreSQL reads as the first column)
        return plans.alias(nearness=depth).order_by("-year", "nearness", "organization__tree_order")[:1]
    own = Q(organization_id__in=own_chain)
    return plans.alias(
        foreign=Case(When(own, then=Value(0)), default=Value(1)), nearness=Case(When(own, then=-depth), default=depth)
    ).order_by("-year", "foreign", "nearness", "organization__tree_order")[:1]


def _newest_preferred(plans: QuerySet[Plan], own_chain: list[int]) -> QuerySet[Plan]:
    # Only the newest year's plans are sorted (the preference puts the newest year first anyway): for a
    # national user, a few hundred plans instead of every plan of ten years (plan_year_idx finds them).
    return _preferred(plans.filter(year=Subquery(plans.order_by("-year").values("year")[:1])), own_chain)


@PlanRead
def newest_plan(plans, *, own_chain):
    """The navigation's plan, on every page: `preferred_plan` of the newest year's plans."""
    return _newest_preferred(plans, own_chain)


def newest_plan_for_user(user: User) -> Plan | None:
    """`preferred_plan` of every plan the user may read: the plan the navigation and the home page open.
    Remembered on the user object for the request (the home page and the navigation both ask)."""
    if not hasattr(user, "_sq_newest_plan"):
        found = newest_plan(user)
        user._sq_newest_plan = found[0] if found else None
    return user._sq_newest_plan


@PlanRead
def plan_of_organization(plans, *, own_chain, year, code):
    """The organisation's plan of `year`, with its organisation and their parent; at most one
    (plan_one_per_organization_year): nothing to prefer, so no ordering to build."""
    return plans.filter(year=year, organization__code=code).select_related("organization__parent").order_by()


@PlanRead
def other_plans(plans, *, own_chain, plan_id):
    """(year, organisation code, organisation name) of the plans the plan tree links to, besides `plan_id`:
    the newest first, OTHER_PLANS_SHOWN of them (bureau or national staff may read thousands)."""
    return (
        plans.exclude(pk=plan_id)
        .order_by("-year", "organization__tree_order")
        .values_list("year", "organization__code", "organization__name")[:OTHER_PLANS_SHOWN]
    )
