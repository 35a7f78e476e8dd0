"""Who can report what: the units of a plan someone reports for, and the measures nobody can report.

A unit is reported for by its heads (單位主管); the plan's organisation itself by its own 研考承辦
(`PlanAccess.reporting_units`; not the bureau's staff above it). A measure nobody can report is one none of whose carriers (`carries`) has
anyone reporting for it: the plan dashboard lists them, so that 研考承辦 name a unit or give it a head."""

from diagnosis.models import Membership, Plan, Unit


def units_reported_for(plan: Plan) -> set[int]:
    """Ids of the plan's organisation and units that someone (an active account) reports for. Two queries."""
    organization = plan.organization
    active = Membership.objects.filter(user__is_active=True)
    reported = set(
        active.filter(role=Membership.Role.HEAD, unit__in=Unit.objects.within(organization)).values_list("unit_id", flat=True)
    )
    if active.filter(role=Membership.Role.STAFF, unit_id=organization.pk).exists():
        reported.add(organization.pk)
    return reported


def unreportable(progress, reported: set[int]) -> list:
    """The measures of `progress` (a PlanProgress) listed as of its date that no carrier has anyone reporting for."""
    return [
        measure
        for measure in progress.measures
        if progress.status.get(measure.pk) is not None and not any(u.pk in reported for u in progress.carriers[measure.pk])
    ]
