"""Monthly progress reports: a unit reports, edits, withdraws; staff review; evidence only through access checks.

After the plan's 結算日 every change is refused (`check_year_open`): the pages say why in a message and send the
user back to what they were looking at; nothing changes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import get_plan_for_user

from ..access import get_evidence_for_user, get_measure_for_user, get_report_for_user, units_carrying
from ..evidence_responses import evidence_file_response
from ..forms.report_forms import ProgressReportForm, ReviewForm
from ..models import ProgressReport
from ..report_history import review_history
from ..report_writes import (
    ReportStateError,
    check_deletable,
    check_year_open,
    evidence_delete,
    report_delete,
    report_review,
    report_save,
    report_withdraw,
    sent_by_self,
)
from ..workbench import next_pending, review_queue
from .workbench import workbench_address, workbench_filters

# Evidence a browser shows in the page itself (the report page's preview); anything else only downloads.
PREVIEW_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})


def _default_period(plan):
    today = timezone.localdate()
    month = today.replace(day=1)
    if month < plan.start_date.replace(day=1):
        return plan.start_date.replace(day=1)
    if month > plan.end_date.replace(day=1):
        return plan.end_date.replace(day=1)
    return month


def _refused_when_closed(request: HttpRequest, plan) -> bool:
    """True, with the reason as a message, when the plan's year is closed (after its 結算日)."""
    try:
        check_year_open(plan)
    except ReportStateError as error:
        messages.error(request, str(error))
        return True
    return False


def _measure_page(plan, measure_id: int) -> str:
    """The measure's page under its own plan (?org=: a reader of several plans of the year gets this one)."""
    page = reverse("measures:measure", kwargs={"year": plan.year, "pk": measure_id})
    return f"{page}?{urlencode({'org': plan.organization.code})}"


@login_required
def report_new(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    units = units_carrying(access, measure)
    if not units or measure.retired_at:
        raise PermissionDenied("您的單位不負責此措施，不能填報。")
    if _refused_when_closed(request, access.plan):
        return redirect(_measure_page(access.plan, measure.pk))
    form = ProgressReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        measure=measure,
        units=units,
        indicators=measure.indicators.filter(retired_at__isnull=True, training_sessions__isnull=True),  # 教育訓練 computes the others
        initial={"unit": units[0].pk, "period": _default_period(access.plan).isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_save(
                measure=measure, unit=data["unit"], period=data["period"], user=request.user,
                **form.report_values(request),
            )
        except ReportStateError as error:
            # Another submission for this unit and month got in between the form's check and the save.
            form.add_error("period", str(error))
        else:
            messages.success(request, "已送出填報。" if report.status == report.Status.SUBMITTED else "已暫存草稿。")
            return redirect("measures:report", pk=report.pk)
    return render(
        request,
        "measures/report_form.html",
        {"plan": access.plan, "access": access, "measure": measure, "form": form, "report": None},
    )


def _detail(
    request: HttpRequest, report: ProgressReport, access, review_form, status: int = 200, own_submission: bool = False
) -> HttpResponse:
    """The report page; the workbench's filters (if the reviewer came from a filtered list) ride along in its
    links and its review form, so that the decision leads to the next pending report of the same list."""
    plan = report.measure.plan
    filters = workbench_filters(access, request.GET) if access.reads_all else None
    query = filters.query() if filters is not None else ""
    evidence = list(report.evidence.all())
    return render(
        request,
        "measures/report_detail.html",
        {
            "plan": plan,
            "access": access,
            "measure": report.measure,
            "report": report,
            "due_on": plan.report_due_on(report.period),
            "actuals": list(report.actuals.select_related("indicator")),
            "evidence": evidence,
            "previews": [e for e in evidence if e.content_type in PREVIEW_TYPES],
            "history": review_history(report),
            "is_own": access.reports_for(report.unit_id),
            "review_form": review_form,
            "own_submission": own_submission,
            "query": query,
            "workbench": workbench_address(access, query) if access.reads_all else None,
        },
        status=status,
    )


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    reviewable = access.can_edit and report.status == report.Status.SUBMITTED and not report.measure.plan.is_closed()
    if reviewable and sent_by_self(report, request.user):
        return _detail(request, report, access, None, own_submission=True)
    return _detail(request, report, access, ReviewForm() if reviewable else None)


def _own_report(request, pk) -> tuple[ProgressReport, object]:
    report, access = get_report_for_user(request.user, pk)
    if not access.reports_for(report.unit_id):
        raise PermissionDenied("只有填報單位可以修改此填報。")
    return report, access


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = _own_report(request, pk)
    if _refused_when_closed(request, report.measure.plan):
        return redirect("measures:report", pk=report.pk)
    if not report.is_editable_by_unit:
        raise PermissionDenied("此填報已核可，不能再修改。")
    measure = report.measure
    indicators = list(measure.indicators.filter(retired_at__isnull=True, training_sessions__isnull=True))  # 教育訓練 computes the others
    initial = {
        "unit": report.unit_id,
        "period": report.period.isoformat(),
        "narrative": report.narrative,
        "progress": report.progress,
        **{ProgressReportForm.indicator_field(a.indicator): a.value for a in report.actuals.select_related("indicator")},
    }
    form = ProgressReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        measure=measure,
        units=[report.unit],
        indicators=indicators,
        report=report,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = report_save(
                measure=measure, unit=report.unit, period=report.period, user=request.user, report=report,
                **form.report_values(request),
            )
        except ReportStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已送出填報。" if report.status == report.Status.SUBMITTED else "已儲存草稿。")
        return redirect("measures:report", pk=report.pk)
    return render(
        request,
        "measures/report_form.html",
        {"plan": measure.plan, "access": access, "measure": measure, "form": form, "report": report,
         "evidence": list(report.evidence.all())},
    )


@login_required
@require_POST
def report_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, _ = _own_report(request, pk)
    try:
        report_withdraw(report=report, user=request.user)
        messages.success(request, "已撤回填報，目前為草稿。")
    except ReportStateError as error:
        messages.error(request, str(error))
    return redirect("measures:report", pk=report.pk)


@login_required
def report_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """刪除草稿 cannot be undone: GET says what is deleted and offers 確定刪除; the POST of that page deletes."""
    report, access = _own_report(request, pk)
    if request.method != "POST":
        try:
            check_deletable(report)
        except ReportStateError as error:
            messages.error(request, str(error))
            return redirect("measures:report", pk=report.pk)
        return render(
            request,
            "measures/report_delete.html",
            {"plan": report.measure.plan, "access": access, "measure": report.measure, "report": report,
             "evidence": list(report.evidence.all())},
        )
    try:
        report_delete(report=report, user=request.user)
    except ReportStateError as error:
        messages.error(request, str(error))
        return redirect("measures:report", pk=report.pk)
    messages.success(request, "已刪除草稿。")
    return redirect(_measure_page(report.measure.plan, report.measure_id))


@login_required
@require_POST
def report_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    access.require_edit()
    if _refused_when_closed(request, report.measure.plan):
        return redirect("measures:report", pk=report.pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, access, form, status=400)
    try:
        report_review(
            report=report, user=request.user, accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except ReportStateError as error:
        messages.error(request, str(error))
        return redirect(_report_address(report.pk, request.GET))
    messages.success(request, "已核可填報。" if form.cleaned_data["decision"] == "accept" else "已退回填報。")
    # On to the next pending report of the list the reviewer came from, or back to that list when none is left.
    filters = workbench_filters(access, request.GET)
    following = next_pending(review_queue(access.plan, **filters.filters()), report, request.user, access.head_units)
    if following is None:
        messages.info(request, "此清單已沒有待審核的填報。")
        return redirect(workbench_address(access, filters.query()))
    return redirect(_report_address(following.pk, filters.query()))


def _report_address(pk: int, query) -> str:
    address = reverse("measures:report", kwargs={"pk": pk})
    query = query if isinstance(query, str) else query.urlencode()
    return f"{address}?{query}" if query else address


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, _ = get_evidence_for_user(request.user, pk)
    return evidence_file_response(evidence)


@login_required
@require_safe
@xframe_options_sameorigin
def evidence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF or an image shown in the report page (an <iframe> or an <img>), through the download's access check,
    inline (`evidence_file_response`). Other types only download."""
    evidence, _ = get_evidence_for_user(request.user, pk)
    if evidence.content_type not in PREVIEW_TYPES:
        raise Http404("此類型的佐證資料不能預覽，請下載。")
    return evidence_file_response(evidence, inline=True)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = get_evidence_for_user(request.user, pk)
    if not access.reports_for(evidence.report.unit_id):
        raise PermissionDenied("只有填報單位可以刪除佐證資料。")
    try:
        evidence_delete(evidence=evidence, user=request.user)
    except ReportStateError as error:
        # The report can no longer change (accepted, or the year closed): back to the report, not its form.
        messages.error(request, str(error))
        return redirect("measures:report", pk=evidence.report_id)
    messages.success(request, f"已刪除佐證資料「{evidence.original_name}」。")
    return redirect("measures:report_edit", pk=evidence.report_id)
