"""誰在哪個單位擔任什麼角色：研考承辦、單位主管、檢視者。"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MembershipQuerySet(models.QuerySet):
    def of_user(self, user) -> "MembershipQuerySet":
        """The user's roles with their units, by the unit's position (then id) and the role; none for a visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk).select_related("unit").order_by("unit__position", "unit_id", "role")


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("研考承辦")
        HEAD = "head", _("單位主管")
        VIEWER = "viewer", _("檢視者")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("使用者")
    )
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("單位"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    history = HistoricalRecords(table_name="measures_historicalmembership")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        db_table = "measures_membership"  # moved from the measures app; the table keeps its name
        verbose_name = _("單位角色")
        verbose_name_plural = _("單位角色")
        ordering = ["unit", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique", violation_error_message=_("此使用者在該單位已有這個角色。")),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit}{self.get_role_display()}"


@dataclass(frozen=True)
class ReadingScope:
    """Which organisations' plans a user reads, from their roles: those at or above any of their units (their
    own chain) and, as 研考承辦 or 檢視者 of a unit, every one below it. The rule stated once in Python, for
    `Plan.objects.readable_by` (as a filter) and for one plan's rights (`reads`)."""

    own_chain: frozenset[int]
    read_below: frozenset[str]  # the paths of the units whose organisations below are read

    @classmethod
    def of(cls, memberships: Iterable[Membership]) -> "ReadingScope":
        """From the user's memberships with their units (no query of its own)."""
        own_chain: set[int] = set()
        read_below: set[str] = set()
        for membership in memberships:
            own_chain.update(membership.unit.ancestor_ids())
            if membership.role in (Membership.Role.STAFF, Membership.Role.VIEWER):
                read_below.add(membership.unit.path)
        return cls(frozenset(own_chain), frozenset(read_below))

    def reads(self, organization) -> bool:
        return organization.pk in self.own_chain or any(organization.path.startswith(path) for path in self.read_below)

    def plan_filter(self) -> Q:
        """The same rule over plans, answered by the indexes on the organisation's id and path."""
        condition = Q(organization_id__in=sorted(self.own_chain))
        for path in sorted(self.read_below):
            condition |= Q(organization__path__startswith=path)
        return condition
