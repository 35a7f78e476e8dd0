"""Which plans a user may read, and which of them a page opens: thin wrappers over `Plan.objects.readable_by`
(the rule, stated once in diagnosis.models.plan) and `Membership.objects.of_user`."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from diagnosis.models import Plan

from .models import Membership

User = AbstractBaseUser | AnonymousUser
OTHER_PLANS_SHOWN = 30  # the plan tree's links to other plans


def memberships_of(user: User) -> list[Membership]:
    """The user's roles with their units (`Membership.objects.of_user`), one query."""
    return list(Membership.objects.of_user(user))


def plans_for_user(user: User) -> QuerySet[Plan]:
    """Plans the user may read (`Plan.objects.readable_by`)."""
    return Plan.objects.readable_by(user)


def preferred_plan(user: User, plans: QuerySet[Plan]) -> Plan | None:
    """Of `plans`, the one the user prefers (`PlanQuerySet.preferred_for`); one query, one row."""
    return plans.preferred_for(user).first()


def newest_plan_for_user(user: User) -> Plan | None:
    """The preferred plan of the newest year the user reads: the plan the navigation and the home page open."""
    return preferred_plan(user, Plan.objects.readable_by(user).newest_year())


def plan_of_organization(user: User, *, year: int, code: str) -> list[Plan]:
    """The organisation's plan of `year` if the user may read it, with its organisation and their parent; at
    most one (plan_one_per_organization_year)."""
    return list(
        Plan.objects.readable_by(user).filter(year=year, organization__code=code).select_related("organization__parent").order_by()
    )


def other_plans(user: User, *, plan_id: int) -> list[tuple[int, str, str]]:
    """(year, organisation code, organisation name) of the plans the plan tree links to, besides `plan_id`:
    the newest first, OTHER_PLANS_SHOWN of them (bureau or national staff may read thousands)."""
    return list(
        Plan.objects.readable_by(user)
        .exclude(pk=plan_id)
        .order_by("-year", "organization__tree_order")
        .values_list("year", "organization__code", "organization__name")[:OTHER_PLANS_SHOWN]
    )
