"""A unit's month on one page (every measure it reports that month, saved as drafts or sent in one submit), and
the unit's 填報紀錄. Whoever reports for the unit changes them; staff and viewers of the plan read them; anyone
else gets 404."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from sq_portal.roc_dates import format_roc

from ..access import get_unit_reports_for_user
from ..forms.measure_forms import plan_months
from ..forms.month_forms import MonthRowForm
from ..forms.unit_report_filters import UnitReportFilter
from ..models import Measure, ProgressReport
from ..month_writes import MonthRowInput, MonthSaveError, month_reports_save
from ..report_writes import ReportStateError, check_year_open
from ..status import add_month, previous_month
from ..unit_months import month_now_due, month_rows, month_url

REPORTS_PER_PAGE = 50


@login_required
@require_safe
def unit_month_index(request: HttpRequest, code: str) -> HttpResponse:
    """The month whose report the unit files now (`month_now_due`) in its newest plan."""
    unit, access = get_unit_reports_for_user(request.user, code)
    return redirect(month_url(unit, month_now_due(access.plan)))


def _month_in_plan(plan, year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    period = date(year + 1911, month, 1)
    return period if period in plan_months(plan) else None


@login_required
def unit_month(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    unit, access = get_unit_reports_for_user(request.user, code, year)
    period = _month_in_plan(access.plan, year, month) if access is not None else None
    if period is None:
        plan = access.plan if access is not None else None
        where = f"（計畫執行期程 {format_roc(plan.start_date)}至{format_roc(plan.end_date)}）" if plan else ""
        messages.error(request, f"{year}年{month}月不在本單位的年度計畫{where}內，已改為顯示目前應填報的月份。")
        return redirect("measures:unit_months", code=unit.code)
    plan = access.plan
    may_report = access.reports_for(unit.pk)
    year_open = not plan.is_closed()
    if request.method == "POST":
        if not may_report:
            raise PermissionDenied("只有填報單位可以填報此月份。")
        try:
            check_year_open(plan)
        except ReportStateError as error:
            messages.error(request, str(error))
            return redirect(request.path)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    rows = month_rows(plan, unit, period)
    submit = "submit" in request.POST
    forms = {}
    if may_report and year_open:
        # A row is taken from a POST that carries its version (the page sends every row's); an accepted report
        # is read-only, but one accepted since the page was read gets its row back bound, so what was typed in
        # it is refused in place (the service finds its version changed), not dropped.
        posted = {row.measure.pk for row in rows if f"m{row.measure.pk}-version" in request.POST}
        forms = {
            row.measure.pk: MonthRowForm(
                *((request.POST, request.FILES) if row.measure.pk in posted else ()),
                row=row, plan_year=plan.year, submit=submit,
            )
            for row in rows if not row.read_only or row.measure.pk in posted
        }
    if request.method == "POST":
        if all(form.is_valid() for form in forms.values() if form.is_bound):
            if _save(request, plan, unit, period, forms, submit) is not None:
                return redirect(request.path)
        else:
            messages.error(request, "有些列填寫有誤，整批均未儲存；請依各列標示的說明修正後再送出。")
    return render(
        request,
        "measures/unit_month.html",
        {
            "plan": plan,
            "access": access,
            "unit": unit,
            "month": period,
            "due_on": plan.report_due_on(period),
            "rows": [{"row": row, "form": forms.get(row.measure.pk)} for row in rows],
            "may_report": may_report and year_open and bool(forms),
            "previous_url": month_url(unit, previous_month(period)) if previous_month(period) in plan_months(plan) else "",
            "next_url": month_url(unit, add_month(period)) if add_month(period) in plan_months(plan) else "",
            "months": [(m, month_url(unit, m)) for m in plan_months(plan)],
        },
    )


def _save(request, plan, unit, period, forms, submit) -> list | None:
    """Save the rows with input; None (the errors are on the forms) when a row could not be saved."""
    chosen = [form for form in forms.values() if form.is_bound and form.has_input]
    if not chosen:
        messages.info(request, "沒有需要儲存的內容：各列都未填寫或未變更。")
        return []
    measures = {m.pk: m for m in Measure.objects.filter(plan_id=plan.pk, pk__in=[f.row.measure.pk for f in chosen])}
    inputs = []
    for form in chosen:
        measure = measures[form.row.measure.pk]
        measure.plan = plan
        data = form.cleaned_data
        inputs.append(MonthRowInput(
            measure=measure, version=form.version_seen, narrative=data["narrative"], progress=data["progress"],
            actuals=form.actuals(), files=data["evidence"],
        ))
    try:
        saved = month_reports_save(plan=plan, unit=unit, month=period, user=request.user, rows=inputs, submit=submit)
    except MonthSaveError as error:
        for pk, message in error.errors.items():
            forms[pk].add_error(None, message)
        messages.error(request, f"有 {len(error.errors)} 筆無法儲存，整批均未儲存；請依各列的說明修正後再送出。")
        return None
    except ReportStateError as error:
        messages.error(request, str(error))
        return []
    messages.success(request, f"已送出 {len(saved)} 筆填報。" if submit else f"已暫存 {len(saved)} 筆草稿。")
    return saved


@login_required
@require_safe
def unit_reports(request: HttpRequest, code: str) -> HttpResponse:
    """本單位填報紀錄: every report of the unit in its newest plan, filtered by month and status, in pages."""
    unit, access = get_unit_reports_for_user(request.user, code)
    plan = access.plan
    reports = ProgressReport.objects.filter(measure__plan_id=plan.pk, unit_id=unit.pk)
    if not access.reports_for(unit.pk):
        reports = reports.visible_to_reviewers()
    filters = UnitReportFilter(request.GET or None, plan=plan)
    reports = filters.filter(reports.for_unit_list())
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/unit_reports.html",
        {
            "plan": plan, "access": access, "unit": unit, "filters": filters, "page": page,
            "query": filters.query_without_page(), "month_index": reverse("measures:unit_months", kwargs={"code": unit.code}),
        },
    )
