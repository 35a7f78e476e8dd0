"""The plan as a tree: 構面 → 項目 → 評核重點 → 措施."""

from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.views.decorators.http import require_safe

from diagnosis.framework_tree import plan_framework
from sq_portal.context import nav_urls

from ..access import get_plan_for_user
from ..readable_plans import other_plans
from ..tree_measures import TreeMeasure, tree_measures

URL_MARKER = "987654321"


class OtherPlan(NamedTuple):
    """A link from the plan tree to another plan the user may read."""

    url: str
    label: str  # 臺北市政府警察局士林分局 106 年: written here, not by the template's number formatting


def url_per_object(name: str, key: str, **fixed) -> Callable[[object], str]:
    """The URL `name` of each of a page's many objects, reversed once per page rather than once per row:
    `url_per_object("measures:measure", "pk", year=106)(measure.pk)`. For int and slug parts, which need
    no quoting."""
    head, tail = _url_parts(get_urlconf(), get_script_prefix(), name, key, tuple(sorted(fixed.items())))
    return lambda value: f"{head}{value}{tail}"


@lru_cache(maxsize=1024)
def _url_parts(urlconf, script_prefix: str, name: str, key: str, fixed: tuple) -> tuple[str, str]:
    """What comes before and after `key` in the URL: reversed once per process for each name, fixed part,
    URL configuration and script prefix."""
    head, tail = reverse(name, urlconf=urlconf, kwargs={**dict(fixed), key: URL_MARKER}).split(URL_MARKER)
    return head, tail


@login_required
@require_safe
def plan_tree(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    plan = access.plan  # read with its organisation by the access lookup
    framework = plan_framework(plan)
    measures = tree_measures(
        plan, url_per_object("measures:measure", "pk", year=plan.year), url_per_object("measures:measure_move", "pk", year=plan.year)
    )
    by_item: dict[int, list[TreeMeasure]] = defaultdict(list)
    retired: list[TreeMeasure] = []
    for measure in measures:
        (retired if measure.retired_at else by_item[measure.item_id]).append(measure)
    for dimension in framework:
        for item in dimension.items:
            item.active_measures = by_item.get(item.pk, [])
            for focus_point in item.focus_points:
                focus_point.active_measures = [m for m in item.active_measures if m.focus_point_id == focus_point.pk]
            item.unlinked_measures = [m for m in item.active_measures if m.focus_point_id is None]
    # Bureau or national staff may see thousands of plans; the tree links the newest few (the rest by ?org=).
    plan_url = url_per_object("measures:plan", "year")
    others = [
        OtherPlan(f"{plan_url(other_year)}?{urlencode({'org': code})}", f"{name} {other_year} 年")
        for other_year, code, name in other_plans(request.user, plan_id=plan.pk)
    ]
    return render(
        request,
        "measures/plan_tree.html",
        {
            "plan": plan,
            "framework": framework,
            "access": access,
            "urls": nav_urls(plan.year),  # the plan's other addresses, reversed once per process
            # every focus point without a measure links to it
            "new_measure_url": nav_urls(plan.year)["measure_new"],
            "retired": retired,
            "measure_count": len(measures) - len(retired),
            "other_plans": others,
        },
    )
