"""Who may see and change what: one access helper per object, each scoping the lookup to the user's units.

Rules (see DESIGN.md):
- 研考承辦 (staff) of a unit edit the plans of that unit and of the units below it, and review reports;
- 檢視者 (viewers) read what staff read and change nothing (403 on a change);
- 單位主管 (unit heads) read the plan of the organisation their unit belongs to and report on the measures
  their unit carries; they see only their own unit's reports and evidence;
- someone outside a unit never sees its drafts or evidence: 404, not 403.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from diagnosis.models import Plan
from sq_portal.lookups import one_or_none

from .models import Evidence, Measure, Membership, ProgressReport, Unit
from .models.units import could_be_unit_code
from .readable_plans import (  # noqa: F401 (the plan helpers every page uses are imported from here too)
    User,
    memberships_of,
    newest_plan_for_user,
    plan_of_organization,
    plans_for_user,
    preferred_plan,
)


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
        found = plan_of_organization(user, year=year, code=organization_code) if could_be_unit_code(organization_code) else []
        plan = found[0] if found else None
    else:
        plan = preferred_plan(user, plans_for_user(user).filter(year=year))
    access = plan_access(user, plan) if plan is not None else None
    if access is None:
        raise Http404("找不到此年度計畫，或您沒有檢視權限。")
    return access


def get_measure_for_user(access: PlanAccess, pk: int) -> Measure:
    """A measure of the plan the user already has access to, with its units prefetched; 404 otherwise."""
    measure = one_or_none(
        Measure.objects.filter(plan_id=access.plan.pk, pk=pk)
        .select_related("item__dimension", "focus_point")
        .prefetch_related("lead_units", "support_units")
        .order_by()
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
    (the unit itself included), its organisation joined; None when there is none. One query."""
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
