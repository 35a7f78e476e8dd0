"""Who may see and change what: one access helper per object, each scoping the lookup to the user's units.

Rules (see DESIGN.md):
- 研考承辦 (staff) of a unit edit the plans of that unit and of the units below it, and review reports;
- 檢視者 (viewers) read what staff read and change nothing (403 on a change);
- 單位主管 (unit heads) read the plan of the organisation their unit belongs to and report on the measures
  their unit carries; they see only their own unit's reports and evidence;
- someone outside a unit never sees its drafts or evidence: 404, not 403.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length
from django.http import Http404

from diagnosis.models import Plan
from sq_portal.lookups import one_or_none

from .models import Evidence, Measure, Membership, ProgressReport, Unit

User = AbstractBaseUser | AnonymousUser


def memberships_of(user: User) -> list[Membership]:
    """The user's roles with their units, in the model's order (unit, role); one query, remembered on the user
    object for the request. Every page asks (the navigation), so the few rows are sorted here: ordering in
    SQL by the unit's position made Django build the ordering through the join, a third of the query's cost."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sq_memberships", None)
    if cached is None:
        cached = sorted(
            Membership.objects.filter(user=user).select_related("unit").order_by(),
            key=lambda m: (m.unit.position, m.unit.pk, m.role),
        )
        user._sq_memberships = cached
    return cached


def plans_for_user(user: User) -> QuerySet[Plan]:
    """Plans the user may read: those of the organisations above or at their units, and, for staff and
    viewers, those of every unit below theirs. A superuser reads every plan."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    conditions = []
    for membership in memberships_of(user):
        conditions.append(Q(organization_id__in=membership.unit.ancestor_ids()))
        if membership.role in (Membership.Role.STAFF, Membership.Role.VIEWER):
            conditions.append(Q(organization__path__startswith=membership.unit.path))
    if not conditions:
        return Plan.objects.none()
    return Plan.objects.filter(reduce(or_, conditions))


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan."""

    plan: Plan
    can_edit: bool = False
    reads_all: bool = False
    head_units: tuple[Unit, ...] = field(default=())

    @property
    def is_unit_head(self) -> bool:
        return bool(self.head_units)

    def require_edit(self) -> None:
        """研考承辦 only; anyone else who can see the plan gets 403."""
        if not self.can_edit:
            raise PermissionDenied("您沒有修改此計畫的權限。")

    def units_carrying(self, measure: Measure) -> list[Unit]:
        """The user's own units that carry `measure` (主辦, 協辦, or 各單位). Uses the prefetched units."""
        return [unit for unit in self.head_units if measure.is_carried_by(unit, self.plan.organization_id)]

    def sees_report_of(self, report: ProgressReport) -> bool:
        if any(unit.pk == report.unit_id for unit in self.head_units):
            return True
        return self.reads_all and report.status != ProgressReport.Status.DRAFT


def plan_access(user: User, plan: Plan) -> PlanAccess | None:
    """The user's rights on `plan`, or None when they may not see it at all. No query beyond memberships."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return PlanAccess(plan=plan, can_edit=True, reads_all=True)
    organization = plan.organization
    can_edit = reads_all = visible = False
    head_units = []
    for membership in memberships_of(user):
        unit = membership.unit
        if membership.role in (Membership.Role.STAFF, Membership.Role.VIEWER) and organization.is_within(unit):
            visible = reads_all = True
            can_edit = can_edit or membership.role == Membership.Role.STAFF
        elif membership.role == Membership.Role.HEAD and unit.is_within(organization):
            visible = True
            head_units.append(unit)
        elif organization.pk in unit.ancestor_ids():
            visible = True
    if not visible:
        return None
    return PlanAccess(plan=plan, can_edit=can_edit, reads_all=reads_all, head_units=tuple(head_units))


def preferred_plan(user: User, plans: QuerySet[Plan]) -> Plan | None:
    """Of `plans`, the newest year's plan of the user's own organisation: the deepest organisation at or above
    one of their units (a unit head's precinct, not the bureau); failing that (bureau staff looking down),
    the one nearest the root, the first of those in the tree's order. One query, one row: the preference is
    an ORDER BY, so a national staff member's thousands of visible plans are sorted by the database, not
    built as instances."""
    own_chain: set[int] = set()
    for membership in memberships_of(user):
        own_chain.update(membership.unit.ancestor_ids())
    # The organisation's depth, as the length of its sort key (units.TREE_ORDER_SEGMENT_LENGTH characters a
    # level). Counting the path's slashes, LENGTH(path) - LENGTH(REPLACE(path, '/', '')), gave the same order
    # with four expressions to build, twice over in the CASE below: the whole lookup took 1.31 ms for a
    # superuser and 2.05 ms for a unit head (N=30, PostgreSQL), now 1.14 and 1.64 ms.
    depth = Length("organization__tree_order")
    # The organisation's parent too: the navigation titles the plan with its official name (士林分局's parent
    # is the bureau: 臺北市政府警察局士林分局), read without another query for a precinct's or bureau's plan.
    plans = plans.select_related("organization__parent")
    if not own_chain:  # (a constant CASE would be ORDER BY 1, which PostgreSQL reads as the first column)
        return plans.alias(nearness=depth).order_by("-year", "nearness", "organization__tree_order").first()
    own = Q(organization_id__in=own_chain)
    return (
        plans.alias(foreign=Case(When(own, then=Value(0)), default=Value(1)), nearness=Case(When(own, then=-depth), default=depth))
        .order_by("-year", "foreign", "nearness", "organization__tree_order")
        .first()
    )


def newest_plan_for_user(user: User) -> Plan | None:
    """`preferred_plan` of every plan the user may read: the plan the navigation and the home page open.
    Remembered on the user object for the request (the home page and the navigation both ask)."""
    if not hasattr(user, "_sq_newest_plan"):
        plans = plans_for_user(user)
        # Only the newest year's plans are sorted (preferred_plan puts the newest year first anyway): for a
        # national user, a few hundred plans instead of every plan of ten years (plan_year_idx finds them).
        newest_year = plans.order_by("-year").values("year")[:1]
        user._sq_newest_plan = preferred_plan(user, plans.filter(year=Subquery(newest_year)))
    return user._sq_newest_plan


def get_plan_for_user(user: User, year: int, organization_code: str | None = None) -> PlanAccess:
    """The plan of `year` the user may see (of `organization_code` when given), or 404; where several
    organisations' plans of that year are visible, the user's own (see `preferred_plan`). Of the newest year
    that is the navigation's plan, already read for the request: no query of its own."""
    newest = newest_plan_for_user(user)
    if newest is not None and newest.year == year and organization_code in (None, "", newest.organization.code):
        # The plan the navigation opens, which every page reads anyway: of the newest year, the user's preferred
        # plan is that one, and a plan named by its organisation is it when the codes agree.
        plan = newest
    elif organization_code:
        # At most one plan (plan_one_per_organization_year): nothing to prefer, so no ordering to build.
        plan = one_or_none(
            plans_for_user(user).filter(year=year, organization__code=organization_code).select_related("organization__parent")
        )
    else:
        plan = preferred_plan(user, plans_for_user(user).filter(year=year))
    access = plan_access(user, plan) if plan is not None else None
    if access is None:
        raise Http404("找不到此年度計畫，或您沒有檢視權限。")
    return access


def get_measure_for_user(access: PlanAccess, pk: int) -> Measure:
    """A measure of the plan the user already has access to, with its units prefetched; 404 otherwise."""
    measure = one_or_none(
        Measure.objects.filter(plan=access.plan, pk=pk)
        .select_related("item__dimension", "focus_point")
        .prefetch_related("lead_units", "support_units")
    )
    if measure is None:
        raise Http404("找不到此措施。")
    measure.plan = access.plan
    return measure


def get_report_for_user(user: User, pk: int) -> tuple[ProgressReport, PlanAccess]:
    """A progress report the user may see: their own unit's, or (staff, viewers) any that was sent. 404 otherwise."""
    report = one_or_none(
        ProgressReport.objects.filter(pk=pk)
        .select_related("measure__plan__organization", "measure__item__dimension", "unit", "submitted_by", "reviewed_by")
    )
    access = plan_access(user, report.measure.plan) if report is not None else None
    if access is None or not access.sees_report_of(report):
        raise Http404("找不到此填報。")
    return report, access


def get_evidence_for_user(user: User, pk: int) -> tuple[Evidence, PlanAccess]:
    """An evidence file whose report the user may see; 404 otherwise."""
    evidence = one_or_none(Evidence.objects.filter(pk=pk).select_related("report__measure__plan__organization"))
    access = plan_access(user, evidence.report.measure.plan) if evidence is not None else None
    if access is None or not access.sees_report_of(evidence.report):
        raise Http404("找不到此佐證資料。")
    return evidence, access


def unit_plan_for(user: User, unit: Unit) -> Plan | None:
    """The plan a unit's page shows: the newest of the plans of the deepest organisation at or above `unit`
    (the unit itself included), its organisation joined; None when there is none. For a unit head on the one
    unit they belong to, that is the navigation's plan: every plan they may read is of an organisation at or
    above the unit, and of the newest year they prefer the deepest one. No query of its own then."""
    memberships = memberships_of(user)
    if (
        not user.is_superuser and len(memberships) == 1
        and memberships[0].role == Membership.Role.HEAD and memberships[0].unit_id == unit.pk
    ):
        return newest_plan_for_user(user)
    return (
        Plan.objects.filter(organization_id__in=unit.ancestor_ids())
        .select_related("organization")
        .order_by("-year", "-organization__path")
        .first()
    )


def get_unit_for_user(user: User, code: str) -> Unit:
    """A unit page the user may open: their own unit, or (staff, viewers, superusers) any unit below theirs."""
    unit = one_or_none(Unit.objects.filter(code=code))
    if unit is None or not user.is_authenticated:
        raise Http404("找不到此單位。")
    if user.is_superuser:
        return unit
    for membership in memberships_of(user):
        if membership.unit_id == unit.pk:
            return unit
        if membership.role in (Membership.Role.STAFF, Membership.Role.VIEWER) and unit.is_within(membership.unit):
            return unit
    raise Http404("找不到此單位。")
