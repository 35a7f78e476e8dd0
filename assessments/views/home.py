"""`/`: each role lands where its work is."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from diagnosis.access import memberships_of, newest_plan_for_user, plan_access, unit_above
from diagnosis.models import Membership

from .dashboard import render_plan_dashboard


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Staff and viewers: the dashboard of the newest plan they may see; the bureau's, who have no plan of their own
    and read their precincts' from above, 各機關進度比較 of that year. Unit heads: their unit's dashboard. Anyone
    else: an explanation."""
    memberships = memberships_of(request.user)
    reads_plans = request.user.is_superuser or any(
        m.role in (Membership.Role.STAFF, Membership.Role.VIEWER) for m in memberships
    )
    if reads_plans:
        plan = newest_plan_for_user(request.user)
        if plan is not None and unit_above(memberships, plan.organization) is not None:
            return redirect("assessments:side_by_side", year=plan.year)
        if plan is not None:
            return render_plan_dashboard(request, plan_access(request.user, plan, memberships))
    heads = [m for m in memberships if m.role == Membership.Role.HEAD]
    if heads:
        return redirect("assessments:unit", code=heads[0].unit.code)
    return render(request, "measures/no_role.html", {"memberships": memberships})
