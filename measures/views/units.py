"""A unit's page: the measures it carries in each plan it belongs to, and its reports."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diagnosis.models import Plan

from ..access import get_unit_for_user
from ..models import Measure, ProgressReport


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, code)
    plan = (
        Plan.objects.filter(organization_id__in=unit.ancestor_ids())
        .exclude(organization_id=unit.pk)
        .select_related("organization")
        .order_by("-year", "-organization__path")
        .first()
    )
    measures, reports = [], []
    if plan is not None:
        measures = list(
            Measure.objects.filter(plan=plan, retired_at__isnull=True)
            .carried_by(unit)
            .with_units()
            .in_plan_order()
        )
        reports = list(
            ProgressReport.objects.filter(measure__plan=plan, unit=unit)
            .select_related("measure")
            .order_by("-period", "measure__position")
        )
    latest: dict[int, ProgressReport] = {}
    for report in reports:
        latest.setdefault(report.measure_id, report)
    for measure in measures:
        measure.unit_role = (
            "主辦" if any(u.pk == unit.pk for u in measure.lead_units.all())
            else "協辦" if any(u.pk == unit.pk for u in measure.support_units.all())
            else "各單位"
        )
        measure.latest_report = latest.get(measure.pk)
    returned = [r for r in reports if r.status == ProgressReport.Status.RETURNED]
    return render(
        request,
        "measures/unit_page.html",
        {"unit": unit, "plan": plan, "measures": measures, "returned": returned, "reports": reports[:24]},
    )
