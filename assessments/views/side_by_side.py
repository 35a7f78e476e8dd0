"""各機關進度比較: the bureau's staff and viewers read every precinct's stored figures side by side, sorted and
exported; stale figures are refreshed in the background; staff may ask for the whole year to be recalculated."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from sq_portal.sheets import RENDERERS

from ..figure_requests import plan_figures_request_refresh
from ..side_by_side import side_by_side, side_by_side_paged
from ..side_by_side_exporter import SideBySideExporter

COLUMNS = [
    ("org", "機關"),
    ("done", "已完成"),
    ("in_progress", "執行中"),
    ("not_started", "未開始"),
    ("report_due", "待填報"),
    ("lagging", "落後"),
    ("overdue", "逾期"),
    ("late", "逾時填報"),
    ("follow_ups", "待追蹤"),
    ("submission", "送審狀態"),
    ("submitted_at", "送審日期"),
    ("diagnosis", "組織診斷"),
    ("as_of", "資料時間"),
]


@login_required
@require_safe
def side_by_side_page(request: HttpRequest, year: int) -> HttpResponse:
    view = side_by_side_paged(request.user, year, request.GET.get("sort", ""), request.GET.get("page"))
    plan_figures_request_refresh(view.stale_ids)
    columns = [
        {
            "key": key,
            "label": label,
            "sort": f"-{key}" if view.sort == key else key,
            "current": "ascending" if view.sort == key else "descending" if view.sort == f"-{key}" else "",
        }
        for key, label in COLUMNS
    ]
    return render(
        request,
        "assessments/side_by_side.html",
        {
            "view": view,
            "page": view.page,
            "page_links": list(view.page.paginator.get_elided_page_range(view.page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "query": f"sort={quote(view.sort)}",
            "year": year,
            "columns": columns,
            "stale": set(view.stale_ids),
            "urls": precinct_urls(year),
        },
    )


def precinct_urls(year: int) -> dict[str, str]:
    """The pages each row links to (with ?org=<code>), reversed once rather than once per row."""
    return {
        "dashboard": reverse("assessments:plan_dashboard", kwargs={"year": year}),
        "reviews": reverse("assessments:reviews", kwargs={"year": year}),
        "submissions": reverse("assessments:submissions", kwargs={"year": year}),
        "diagnosis": reverse("diagnosis:rounds", kwargs={"year": year}),
    }


@login_required
@require_POST
def side_by_side_refresh(request: HttpRequest, year: int) -> HttpResponse:
    view = side_by_side(request.user, year)
    if not view.can_refresh:
        raise PermissionDenied("只有研考承辦可以重新計算。")
    queued = plan_figures_request_refresh([plan.pk for plan in view.plans], force=True)
    messages.success(request, f"已排定重新計算 {len(queued)} 個機關的數字，稍後重新整理即可看到。")
    return redirect(reverse("assessments:side_by_side", kwargs={"year": year}))


@login_required
@require_safe
def side_by_side_export(request: HttpRequest, year: int, extension: str) -> HttpResponse:
    if extension not in RENDERERS:
        raise Http404("沒有這種檔案格式。")
    exporter = SideBySideExporter(side_by_side(request.user, year, request.GET.get("sort", "")))
    renderer = RENDERERS[extension]()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(extension))}"
    return response
