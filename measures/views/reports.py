"""Monthly progress reports: a unit reports, edits, withdraws; staff review; evidence only through access checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import get_plan_for_user

from ..access import get_evidence_for_user, get_measure_for_user, get_report_for_user, units_carrying
from ..forms.report_forms import ProgressReportForm, ReviewForm
from ..models import ProgressReport
from ..report_writes import (
    ReportStateError,
    evidence_delete,
    report_delete,
    report_review,
    report_save,
    report_withdraw,
)


def _default_period(plan):
    today = timezone.localdate()
    month = today.replace(day=1)
    if month < plan.start_date.replace(day=1):
        return plan.start_date.replace(day=1)
    if month > plan.end_date.replace(day=1):
        return plan.end_date.replace(day=1)
    return month


@login_required
def report_new(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    units = units_carrying(access, measure)
    if not units or measure.retired_at:
        raise PermissionDenied("您的單位不負責此措施，不能填報。")
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


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    review_form = ReviewForm() if access.can_edit and report.status == report.Status.SUBMITTED else None
    return render(
        request,
        "measures/report_detail.html",
        {
            "plan": report.measure.plan,
            "access": access,
            "measure": report.measure,
            "report": report,
            "due_on": report.measure.plan.report_due_on(report.period),
            "actuals": list(report.actuals.select_related("indicator")),
            "evidence": list(report.evidence.all()),
            "is_own": access.reports_for(report.unit_id),
            "review_form": review_form,
        },
    )


def _own_report(request, pk) -> tuple[ProgressReport, object]:
    report, access = get_report_for_user(request.user, pk)
    if not access.reports_for(report.unit_id):
        raise PermissionDenied("只有填報單位可以修改此填報。")
    return report, access


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = _own_report(request, pk)
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
@require_POST
def report_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = _own_report(request, pk)
    try:
        report_delete(report=report, user=request.user)
    except ReportStateError as error:
        messages.error(request, str(error))
        return redirect("measures:report", pk=report.pk)
    messages.success(request, "已刪除草稿。")
    return redirect("measures:measure", year=report.measure.plan.year, pk=report.measure_id)


@login_required
@require_POST
def report_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    access.require_edit()
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "measures/report_detail.html",
            {
                "plan": report.measure.plan, "access": access, "measure": report.measure, "report": report,
                "actuals": list(report.actuals.select_related("indicator")), "evidence": list(report.evidence.all()),
                "is_own": False, "review_form": form,
            },
            status=400,
        )
    try:
        report_review(
            report=report, user=request.user, accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except ReportStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已核可填報。" if form.cleaned_data["decision"] == "accept" else "已退回填報。")
    return redirect("measures:report", pk=report.pk)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, _ = get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.open_file()
    except FileNotFoundError:
        raise Http404("找不到此佐證資料的檔案。") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.download_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = get_evidence_for_user(request.user, pk)
    if not access.reports_for(evidence.report.unit_id):
        raise PermissionDenied("只有填報單位可以刪除佐證資料。")
    try:
        evidence_delete(evidence=evidence, user=request.user)
        messages.success(request, f"已刪除佐證資料「{evidence.original_name}」。")
    except ReportStateError as error:
        messages.error(request, str(error))
    return redirect("measures:report_edit", pk=evidence.report_id)


@login_required
@require_safe
def plan_reports(request: HttpRequest, year: int) -> HttpResponse:
    """Staff's review queue (and viewers' list): every sent report of the plan, newest first; ?status= filters."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not access.reads_all:
        raise PermissionDenied("只有研考承辦與檢視者可以查看全部填報。")
    status = request.GET.get("status", ProgressReport.Status.SUBMITTED)
    if status not in ProgressReport.Status.values or status == ProgressReport.Status.DRAFT:
        status = ProgressReport.Status.SUBMITTED
    reports = (
        ProgressReport.objects.filter(measure__plan=access.plan, status=status)
        .select_related("measure__item", "unit", "submitted_by")
        .order_by("-submitted_at", "-pk")[:500]
    )
    statuses = [(value, label) for value, label in ProgressReport.Status.choices if value != ProgressReport.Status.DRAFT]
    return render(
        request,
        "measures/plan_reports.html",
        {"plan": access.plan, "access": access, "reports": reports, "status": status, "statuses": statuses},
    )
