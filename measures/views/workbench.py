"""The reviewer's workbench (`/plans/<year>/reports/`): 研考承辦 filter the plan's reports, read each beside its
planned progress and the unit's earlier months, and approve several at once; viewers read the same list."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from diagnosis.models.units import units_in_tree_order
from sq_portal.roc_dates import format_roc

from ..forms.workbench_forms import REVIEW_STATUSES, BatchReviewForm, WorkbenchFilterForm
from ..models import ProgressReport
from ..report_writes import ReportStateError, check_year_open, reports_review_batch
from ..workbench import review_queue, status_counts, workbench_page


def workbench_filters(access: PlanAccess, data) -> WorkbenchFilterForm:
    """The workbench's filters from a query string (the list's, or a report page's carrying them)."""
    units = list(units_in_tree_order(path=access.plan.organization.path))
    return WorkbenchFilterForm(data, plan=access.plan, units=units)


def workbench_address(access: PlanAccess, query: str, name: str = "measures:plan_reports") -> str:
    """The workbench (or its batch approval) of the plan, with the filters of `query`."""
    address = reverse(name, kwargs={"year": access.plan.year})
    org = urlencode({"org": access.plan.organization.code})
    return f"{address}?{org}&{query}" if query else f"{address}?{org}"


def _reader(request: HttpRequest, year: int) -> PlanAccess:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not access.reads_all:
        raise PermissionDenied("只有研考承辦與檢視者可以查看全部填報。")
    return access


@login_required
@require_safe
def plan_reports(request: HttpRequest, year: int) -> HttpResponse:
    """The plan's sent reports by status (已送出, the ones awaiting review, by default), unit, month and 附表."""
    access = _reader(request, year)
    filters = workbench_filters(access, request.GET)
    queue = review_queue(access.plan, **filters.filters())
    counts = status_counts(queue)
    status = filters.chosen_status
    page, rows = workbench_page(queue.filter(status=status), request.GET.get("page"))
    reviewable = access.can_edit and status == ProgressReport.Status.SUBMITTED and not access.plan.is_closed()
    return render(
        request,
        "measures/plan_reports.html",
        {
            "plan": access.plan,
            "access": access,
            "filters": filters,
            "status": status,
            "tabs": [(value, label, counts[value], filters.query(status=value)) for value, label in REVIEW_STATUSES],
            "page": page,
            "rows": rows,
            "query": filters.query(),
            "page_query": filters.query(status=status),
            "reviewable": reviewable,
            "status_label": ProgressReport.Status(status).label,
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "batch_action": workbench_address(access, filters.query(), "measures:reports_batch_review"),
        },
    )


@login_required
@require_POST
def reports_batch_review(request: HttpRequest, year: int) -> HttpResponse:
    """「核可所選」: approve the ticked reports; those decided meanwhile or the reviewer's own are named and left."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    back = workbench_address(access, workbench_filters(access, request.GET).query())
    try:
        check_year_open(access.plan)
    except ReportStateError as error:
        messages.error(request, str(error))
        return redirect(back)
    form = BatchReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reports"]))
        return redirect(back)
    ids = form.cleaned_data["reports"]
    reports = list(
        ProgressReport.objects.filter(measure__plan_id=access.plan.pk, pk__in=ids)
        .visible_to_reviewers().select_related("measure", "unit").in_review_order()
    )
    result = reports_review_batch(reports=reports, user=request.user, accept=True, comment="")
    if result.decided:
        messages.success(request, f"已核可 {len(result.decided)} 筆填報。")
    if result.skipped:
        names = "；".join(
            f"{report.unit.name} {format_roc(report.period, 'month')}「{report.measure.name}」（{reason}）"
            for report, reason in result.skipped
        )
        messages.warning(request, f"下列 {len(result.skipped)} 筆未核可：{names}。")
    missing = len(ids) - len(reports)
    if missing:
        messages.warning(request, f"另有 {missing} 筆已不在審核清單中（已撤回或刪除），未核可。")
    return redirect(back)
