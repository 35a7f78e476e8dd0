"""`/`: each role lands where its work is."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..access import memberships_of, plans_for_user
from ..models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff and viewers: the newest plan they may see. Unit heads: their unit. Others: an explanation."""
    memberships = memberships_of(request.user)
    reads_plans = request.user.is_superuser or any(
        m.role in (Membership.Role.STAFF, Membership.Role.VIEWER) for m in memberships
    )
    if reads_plans:
        plan = plans_for_user(request.user).select_related("organization").order_by("-year", "organization__path").first()
        if plan is not None:
            return redirect("measures:plan", year=plan.year)
    heads = [m for m in memberships if m.role == Membership.Role.HEAD]
    if heads:
        return redirect("measures:unit", code=heads[0].unit.code)
    return render(request, "measures/no_role.html", {"memberships": memberships})
