"""Which plans a user may see: the one place that scopes plan lookups to the user's units."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from measures.models import Membership, Unit

from .models import Plan


def _units_with_ancestors(unit_ids: set[int]) -> set[int]:
    """The units and every unit above them (one query per tree level; the tree is at most four deep)."""
    seen = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        parents = set(
            Unit.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)
        )
        frontier = parents - seen
        seen |= parents
    return seen


def plans_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Plan]:
    """Plans of the organizations the user belongs to (a unit head sees the plan of the precinct above).

    A superuser sees every plan; anyone without a membership sees none."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    unit_ids = set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
    return Plan.objects.filter(organization_id__in=_units_with_ancestors(unit_ids))
