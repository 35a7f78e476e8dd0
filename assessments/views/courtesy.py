"""電話禮貌測試 pages: the list (with who fell below the pass score), a test, recording and correcting one.

Who may do what: 研考承辦 record, correct and delete tests (not one a 獎懲 or a 管制考核 refers to: it is kept
as a record); 檢視者 read every test; a 單位主管 reads only their own
units' tests (another unit's test does not exist for them: 404); anyone else who reads the plan: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from sq_portal.roc_dates import format_roc

from ..courtesy_writes import (
    CourtesyError,
    courtesy_test_delete,
    courtesy_test_kept_reason,
    courtesy_test_record,
    courtesy_test_update,
)
from ..forms.courtesy import CourtesyTestForm
from ..models import CourtesyTest
from .confirm import confirm_delete_page

PAGE_SIZE = 50


def _reader_access(request: HttpRequest, year: int) -> PlanAccess:
    """Staff, viewers and unit heads read tests (heads their own units'); to anyone else they do not exist."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not (access.reads_all or access.head_units):
        raise Http404("找不到此頁面。")
    return access


def _visible_tests(access: PlanAccess):
    tests = CourtesyTest.objects.filter(plan=access.plan)
    if not access.reads_all:
        tests = tests.filter(unit__in=[unit.pk for unit in access.head_units])
    return tests


def _test(access: PlanAccess, pk: int) -> CourtesyTest:
    """A test the user may read; 404 otherwise (also for another unit's test)."""
    test = _visible_tests(access).filter(pk=pk).select_related("unit", "recorded_by").first()
    if test is None:
        raise Http404("找不到此電話禮貌測試。")
    test.plan = access.plan
    return test


@login_required
@require_safe
def courtesy_list(request: HttpRequest, year: int) -> HttpResponse:
    access = _reader_access(request, year)
    tests = _visible_tests(access).for_list()
    page = Paginator(tests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/courtesy_list.html",
        {"plan": access.plan, "access": access, "page": page, "pass_score": access.plan.courtesy_pass_score},
    )


@login_required
@require_safe
def courtesy_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _reader_access(request, year)
    test = _test(access, pk)
    return render(
        request,
        "assessments/courtesy_detail.html",
        {"plan": access.plan, "access": access, "test": test, "passes": test.passes(access.plan.courtesy_pass_score)},
    )


@login_required
def courtesy_new(request: HttpRequest, year: int) -> HttpResponse:
    access = _reader_access(request, year)
    access.require_edit()
    form = CourtesyTestForm(request.POST if request.method == "POST" else None, plan=access.plan)
    if request.method == "POST" and form.is_valid():
        try:
            test = courtesy_test_record(plan=access.plan, user=request.user, **form.cleaned_data)
        except CourtesyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已登錄{test.unit.name}的電話禮貌測試（{test.score} 分）。")
            return redirect("assessments:courtesy_test", year=access.plan.year, pk=test.pk)
    return render(request, "assessments/courtesy_form.html", {"plan": access.plan, "access": access, "form": form, "test": None})


@login_required
def courtesy_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _reader_access(request, year)
    test = _test(access, pk)
    access.require_edit()
    if request.method == "POST":
        form = CourtesyTestForm(request.POST, plan=access.plan)
        if form.is_valid():
            try:
                courtesy_test_update(test=test, user=request.user, **form.cleaned_data)
            except CourtesyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已儲存電話禮貌測試。")
                return redirect("assessments:courtesy_test", year=access.plan.year, pk=test.pk)
    else:
        form = CourtesyTestForm(
            initial={"unit": test.unit_id, "tested_on": test.tested_on, "score": test.score, "tester": test.tester, "findings": test.findings},
            plan=access.plan,
        )
    return render(request, "assessments/courtesy_form.html", {"plan": access.plan, "access": access, "form": form, "test": test})


@login_required
def courtesy_delete_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm (or says why the test is kept), POST deletes; staff only."""
    access = _reader_access(request, year)
    test = _test(access, pk)
    access.require_edit()
    if request.method == "POST":
        try:
            courtesy_test_delete(test=test, user=request.user)
        except CourtesyError as error:
            kept, status = str(error), 400
        else:
            messages.success(request, f"已刪除{test.unit.name} {format_roc(test.tested_on)} 的電話禮貌測試。")
            return redirect("assessments:courtesy_tests", year=access.plan.year)
    else:
        kept, status = courtesy_test_kept_reason(test), 200
    return confirm_delete_page(
        request,
        access,
        heading=f"刪除{test.unit.name}電話禮貌測試（{format_roc(test.tested_on)}）",
        here="電話禮貌測試",
        rows=[
            ("受測單位", test.unit.name),
            ("測試日期", format_roc(test.tested_on, "long")),
            ("分數", f"{test.score} 分"),
            ("測試人員", test.tester),
            ("測試發現", test.findings or "（未填）"),
        ],
        button="確定刪除測試",
        cancel_url=reverse("assessments:courtesy_test", kwargs={"year": access.plan.year, "pk": test.pk}),
        kept=kept,
        status=status,
    )
