"""Who may see and change what in the organisation: plans, units and the 組織診斷; one access helper per
object, each scoping the lookup to the user's units (measures.access builds on these for measures, reports,
evidence and drafts).

Rules (see DESIGN.md):
- 研考承辦 (staff) of a plan's organisation itself edit its plan, review reports, run the 管制考核, open and
  close diagnosis rounds, allot the points; they read submitted diagnoses, never a unit's draft, and while a
  round is open may send a submitted one back to its unit (退回, with a reason);
- 研考承辦 of a unit above it (the bureau's, for a precinct's plan) read the plan as 檢視者 do and change
  nothing in it (403); what is theirs is deciding its submissions to the bureau (`decides_submissions`), the
  side-by-side page and the scoring rounds;
- 檢視者 (viewers) read what staff read and change nothing (403 on a change);
- 單位主管 (unit heads) read the plan of the organisation their unit belongs to, report on the measures their
  unit carries, and fill their own unit's diagnosis; another unit's drafts, evidence or diagnosis do not exist
  for them (404);
- someone who cannot see a plan gets 404 for everything in it; someone outside a unit never sees its drafts
  or evidence: 404, not 403.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sq_portal.lookups import one_or_none
from sq_portal.roc_dates import format_roc

from .models import DiagnosisAnswer, DiagnosisRound, Membership, Plan, Unit, UnitDiagnosis
from .models.people import ReadingScope
from .models.units import could_be_unit_code

User = AbstractBaseUser | AnonymousUser
OTHER_PLANS_SHOWN = 30  # the plan tree's links to other plans


# ---------------------------------------------------------------- the plans a user reads (the navigation's)


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


# ---------------------------------------------------------------- one plan, one unit


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan."""

    plan: Plan
    reads_all: bool = False
    head_units: tuple[Unit, ...] = field(default=())
    own_staff: bool = False  # 研考承辦 of the plan's organisation itself
    staff_above: bool = False  # 研考承辦 of a unit above it (the bureau's, for a precinct's plan)
    superuser: bool = False

    @property
    def can_edit(self) -> bool:
        """The plan's own 研考承辦 (and a superuser) change it: its measures, reports' review, 管制考核, settings,
        binder and submissions; the bureau's staff above it read it and change nothing."""
        return self.own_staff or self.superuser

    @property
    def is_unit_head(self) -> bool:
        return bool(self.head_units)

    @property
    def reporting_units(self) -> tuple[Unit, ...]:
        """The units the user reports progress for: the units they head and, for 研考承辦, the plan's
        organisation itself (the measures nobody below it carries, e.g. 附表1's 各分局、大隊、隊)."""
        if self.can_edit and not self.heads(self.plan.organization_id):
            return (*self.head_units, self.plan.organization)
        return self.head_units

    def reports_for(self, unit_id: int) -> bool:
        """The user reports for this unit (`reporting_units`)."""
        return any(unit.pk == unit_id for unit in self.reporting_units)

    def require_edit(self) -> None:
        """研考承辦 only; anyone else who can see the plan gets 403."""
        if not self.can_edit:
            raise PermissionDenied("您沒有修改此計畫的權限。")

    @property
    def can_change_year(self) -> bool:
        """研考承辦, while the plan's year is open: after its 結算日 its measures, planned progress and indicators
        stay as they were (the settings page can move the 結算日)."""
        return self.can_edit and not self.plan.is_closed()

    def require_open_year(self) -> None:
        """`require_edit`, and the year not yet closed (`require_year_open`); 403 with the reason otherwise."""
        self.require_edit()
        require_year_open(self.plan)

    @property
    def submits_to_bureau(self) -> bool:
        """書面資料送審: the organisation's own 研考承辦 send its plan to the bureau (not the bureau's staff)."""
        return self.own_staff

    @property
    def decides_submissions(self) -> bool:
        """The bureau's 研考承辦 (staff of a unit above the plan's organisation) return or accept its submissions;
        the organisation's own staff never decide their own, not even when they are the bureau's staff too."""
        return self.superuser or (self.staff_above and not self.own_staff)

    def heads(self, unit_id: int) -> bool:
        """The user heads this unit."""
        return any(unit.pk == unit_id for unit in self.head_units)


def require_year_open(plan: Plan) -> None:
    """After the plan's 結算日 its measures, planned progress and indicators stay as they were: PermissionDenied
    with the reason (the pages' 403, and the measures' service functions)."""
    if plan.is_closed():
        raise PermissionDenied(
            f"本年度計畫已於 {format_roc(plan.closes_on)} 結算，措施、預定進度與績效指標不能再修改；"
            "如需修改，請先在計畫設定延後結算日。"
        )


def roles_above(memberships: list[Membership], organization: Unit) -> list[Membership]:
    """The bureau's rule for one organisation: the user's 研考承辦 and 檢視者 roles in units strictly above it (the
    bureau's, for a precinct's plan). `PlanQuerySet.read_from_above` states the same over plans."""
    return [
        m
        for m in memberships
        if m.role != Membership.Role.HEAD and m.unit.pk != organization.pk and organization.is_within(m.unit)
    ]


def unit_above(memberships: list[Membership], organization: Unit) -> Unit | None:
    """The unit the user reads `organization` from when they read it only from above (the bureau, for its staff and
    viewers looking at a precinct: none of their units is in the organisation); None otherwise. The navigation and
    the home page then lead to the bureau's own pages (各機關進度比較, 送審, 評分), not to one precinct's work."""
    if any(m.unit.is_within(organization) for m in memberships):
        return None
    above = roles_above(memberships, organization)
    return above[0].unit if above else None


def plan_access(user: User, plan: Plan, memberships: list[Membership] | None = None) -> PlanAccess | None:
    """The user's rights on `plan`, or None when they may not see it at all. No query beyond memberships (none
    when the caller passes the user's `memberships_of`)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return PlanAccess(plan=plan, reads_all=True, own_staff=True, staff_above=True, superuser=True)
    organization = plan.organization
    if memberships is None:
        memberships = memberships_of(user)
    if not ReadingScope.of(memberships).reads(organization):
        return None
    reads_all = any(m.role != Membership.Role.HEAD and organization.is_within(m.unit) for m in memberships)
    head_units = [m.unit for m in memberships if m.role == Membership.Role.HEAD and m.unit.is_within(organization)]
    return PlanAccess(
        plan=plan, reads_all=reads_all, head_units=tuple(head_units),
        own_staff=any(m.role == Membership.Role.STAFF and m.unit.pk == organization.pk for m in memberships),
        staff_above=any(m.role == Membership.Role.STAFF for m in roles_above(memberships, organization)),
    )


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


# ---------------------------------------------------------------- the 組織診斷


def get_round_for_user(access: PlanAccess, pk: int) -> DiagnosisRound:
    """A round of the plan the user already has access to; 404 otherwise."""
    diagnosis_round = one_or_none(DiagnosisRound.objects.filter(plan=access.plan, pk=pk).select_related("created_by"))
    if diagnosis_round is None:
        raise Http404("找不到此組織診斷。")
    diagnosis_round.plan = access.plan
    return diagnosis_round


def sees_diagnosis(access: PlanAccess, diagnosis: UnitDiagnosis) -> bool:
    """The unit's own head always; staff and viewers once it is submitted; nobody else."""
    return access.heads(diagnosis.unit_id) or (access.reads_all and diagnosis.is_submitted)


def get_unit_diagnosis_for_user(access: PlanAccess, diagnosis_round: DiagnosisRound, code: str) -> UnitDiagnosis:
    """The diagnosis of unit `code` in the round, if the user may see it; 404 otherwise."""
    diagnosis = one_or_none(
        UnitDiagnosis.objects.filter(round=diagnosis_round, unit__code=code).select_related("unit", "submitted_by", "returned_by")
    )
    if diagnosis is None or not sees_diagnosis(access, diagnosis):
        raise Http404("找不到此單位的自評。")
    diagnosis.round = diagnosis_round
    return diagnosis


def can_fill(access: PlanAccess, diagnosis: UnitDiagnosis) -> bool:
    """The unit's head may still change it: a draft in an open round."""
    return access.heads(diagnosis.unit_id) and not diagnosis.is_submitted and diagnosis.round.is_open


def own_diagnoses(access: PlanAccess, diagnosis_round: DiagnosisRound) -> list[UnitDiagnosis]:
    """The diagnoses of the round that belong to the user's own units (one query; none for staff and viewers)."""
    if not access.head_units:
        return []
    return list(
        UnitDiagnosis.objects.filter(round=diagnosis_round, unit__in=[u.pk for u in access.head_units]).for_round()
    )


def get_answer_for_user(access: PlanAccess, pk: int) -> DiagnosisAnswer:
    """An answer of the user's own unit, to propose a measure from; 403 to staff and viewers who may read
    its submitted diagnosis; 404 to everyone else."""
    answer = one_or_none(
        DiagnosisAnswer.objects.filter(pk=pk, unit_diagnosis__round__plan=access.plan)
        .select_related("unit_diagnosis__round", "unit_diagnosis__unit", "focus_point__item__dimension")
    )
    if answer is None or not sees_diagnosis(access, answer.unit_diagnosis):
        raise Http404("找不到此自評項目。")
    if not access.heads(answer.unit_diagnosis.unit_id):
        raise PermissionDenied("只有該單位主管可以提出措施草案。")
    return answer
