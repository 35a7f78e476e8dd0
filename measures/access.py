"""Who may see and change measures, progress reports, evidence and measure drafts: one access helper per object,
each scoping the lookup to a plan the user may see (diagnosis.access) and to the user's units.

- a unit head reports on the measures their unit carries and sees only their own unit's reports, evidence
  and drafts; 研考承辦 report likewise for the plan's organisation itself; staff and viewers see every report
  once it is sent, and every draft;
- someone outside a unit never sees its drafts or evidence: 404, not 403.
"""

from django.http import Http404

from diagnosis.access import PlanAccess, User, plan_access, unit_plan_for
from diagnosis.models import Plan, Unit
from diagnosis.models.units import could_be_unit_code
from sq_portal.lookups import one_or_none

from .models import Evidence, Measure, MeasureDraft, ProgressReport


def units_carrying(access: PlanAccess, measure: Measure) -> list[Unit]:
    """The units the user reports for (`PlanAccess.reporting_units`) that carry `measure`. Uses the prefetched units."""
    return [unit for unit in access.reporting_units if measure.is_carried_by(unit, access.plan.organization_id)]


def sees_report(access: PlanAccess, report: ProgressReport) -> bool:
    """Whoever reports for the unit sees its reports, drafts included; staff and viewers every report once sent."""
    return access.reports_for(report.unit_id) or (access.reads_all and report.status != ProgressReport.Status.DRAFT)


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
    if access is None or not sees_report(access, report):
        raise Http404("找不到此填報。")
    return report, access


def get_evidence_for_user(user: User, pk: int) -> tuple[Evidence, PlanAccess]:
    """An evidence file whose report the user may see; 404 otherwise."""
    evidence = one_or_none(Evidence.objects.filter(pk=pk).select_related("report__measure__plan__organization"))
    access = plan_access(user, evidence.report.measure.plan) if evidence is not None else None
    if access is None or not sees_report(access, evidence.report):
        raise Http404("找不到此佐證資料。")
    return evidence, access


def get_measure_draft_for_user(access: PlanAccess, pk: int) -> MeasureDraft:
    """A measure draft of the plan: staff and viewers see every one, a unit head their own units'; 404 otherwise."""
    draft = one_or_none(MeasureDraft.objects.filter(plan=access.plan, pk=pk).for_list())
    if draft is None or not (access.reads_all or access.heads(draft.unit_id)):
        raise Http404("找不到此措施草案。")
    draft.plan = access.plan
    return draft


def get_unit_reports_for_user(user: User, code: str, year: int | None = None) -> tuple[Unit, PlanAccess | None]:
    """A unit's reports in its plan of `year` (by default its newest plan): whoever reports for the unit
    (`PlanAccess.reporting_units`) may change them, staff and viewers of the plan read them; 404 for anyone else.
    The access is None when the unit has no plan of that year although the user may see its newest one."""
    unit = one_or_none(Unit.objects.filter(code=code)) if could_be_unit_code(code) else None
    if unit is None or not user.is_authenticated:
        raise Http404("找不到此單位。")
    plan = None
    if year is not None and 0 < year < 1000:  # a 民國 year; anything else names no plan (and no date)
        plan = (
            Plan.objects.filter(organization_id__in=unit.ancestor_ids(), year=year)
            .select_related("organization").order_by("-organization__path").first()
        )
    newest = plan is None
    access = _unit_access(user, unit, plan or unit_plan_for(user, unit))
    if access is None:
        raise Http404("找不到此單位。")
    return unit, None if newest and year is not None else access


def _unit_access(user: User, unit: Unit, plan: Plan | None) -> PlanAccess | None:
    access = plan_access(user, plan) if plan is not None else None
    if access is None or not (access.reports_for(unit.pk) or (access.reads_all and unit.is_within(plan.organization))):
        return None
    return access
