"""What every 組織診斷 page starts from."""

from django.http import HttpRequest

from ..access import PlanAccess, get_plan_for_user


def plan_access_for(request: HttpRequest, year: int) -> PlanAccess:
    """The plan of `year` the user may see (404 otherwise); `?org=` picks an organisation's plan."""
    return get_plan_for_user(request.user, year, request.GET.get("org"))
