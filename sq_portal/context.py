"""Template context every page gets: the portal's name and the navigation the user's roles open."""

from functools import lru_cache
from types import MappingProxyType

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

PORTAL_NAME = "服務品質管考平台"

# The navigation's links by name: those of a plan year take `year`.
NAV_LINKS = ("home", "logout", "admin:index")
NAV_YEAR_LINKS = {
    "plan": "measures:plan",
    "plan_reports": "measures:plan_reports",
    "reviews": "assessments:reviews",
    "rounds": "diagnosis:rounds",
    "proposals": "assessments:proposals",
    "training": "assessments:training_list",
    "surveys": "assessments:surveys",
    "petitions": "assessments:petitions",
    "courtesy_tests": "assessments:courtesy_tests",
    "commendations": "assessments:commendations",
    "team": "assessments:team",
}
# Other addresses of a plan year that pages link to (the plan tree's buttons), by the same cache.
YEAR_PAGE_LINKS = {
    "measure_new": ("measures:measure_new", {}),
    "plan_import": ("measures:import", {}),
    "plan_copy": ("assessments:plan_copy", {}),
    **{
        f"form{form}_{extension}": ("measures:form_download", {"form": form, "extension": extension})
        for form in (1, 2)
        for extension in ("xlsx", "ods")
    },
}


def nav_urls(year: int | None) -> MappingProxyType:
    """The navigation's addresses for a plan year (None: only those of no year), and the year's other addresses
    pages link to (YEAR_PAGE_LINKS). Every page draws the same fifteen links; reversing them per page cost about
    1 ms of each page, so they are reversed once per year, URL configuration and script prefix in each process
    (all three are part of the key)."""
    return _nav_urls(get_urlconf(), get_script_prefix(), year)


@lru_cache(maxsize=256)
def _nav_urls(urlconf, script_prefix: str, year: int | None) -> MappingProxyType:
    urls = {name.replace("admin:", "admin_"): reverse(name, urlconf=urlconf) for name in NAV_LINKS}
    if year is not None:
        urls.update({key: reverse(name, urlconf=urlconf, kwargs={"year": year}) for key, name in NAV_YEAR_LINKS.items()})
        urls.update(
            {key: reverse(name, urlconf=urlconf, kwargs={"year": year, **more}) for key, (name, more) in YEAR_PAGE_LINKS.items()}
        )
    return MappingProxyType(urls)  # shared by every request: read-only


def portal(request: HttpRequest) -> dict:
    context = {"portal_name": PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        context["nav_urls"] = nav_urls(None)
        return context
    from diagnosis.access import memberships_of, newest_plan_for_user
    from diagnosis.models import Membership

    memberships = memberships_of(user)
    nav_plan = None
    reads_all = user.is_superuser or any(m.role != Membership.Role.HEAD for m in memberships)
    if memberships or user.is_superuser:
        nav_plan = newest_plan_for_user(user)
    head_units = [m.unit for m in memberships if m.role == Membership.Role.HEAD]
    context["nav_urls"] = nav_urls(nav_plan.year if nav_plan is not None else None)
    context["nav"] = {
        "plan": nav_plan,
        "head_units": head_units,
        "reviews": reads_all and nav_plan is not None,
        # 獎懲 is for 研考承辦 and the unit's own head, not for viewers.
        "commendations": nav_plan is not None and (
            user.is_superuser or bool(head_units) or any(m.role == Membership.Role.STAFF for m in memberships)
        ),
        "roles": "、".join(f"{m.unit.name}{m.get_role_display()}" for m in memberships),
    }
    return context
