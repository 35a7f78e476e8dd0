"""獎懲 pages: the list, a record, recording and correcting one.

"Visible to staff and the unit's head only": 研考承辦 list, read, record and correct every record of the
plan, and delete one entered by mistake; a 單位主管 lists and reads only their own units' records (another unit's record: 404) and changes
nothing (403); to a 檢視者 and to anyone else the 獎懲 do not exist (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from sq_portal.lookups import one_or_none
from sq_portal.roc_dates import format_roc

from ..commendation_writes import CommendationError, commendation_delete, commendation_record, commendation_update
from ..forms.commendations import CommendationForm
from ..models import Commendation
from .confirm import confirm_delete_page

PAGE_SIZE = 50


def _access(request: HttpRequest, year: int) -> PlanAccess:
    """Staff (the plan's own, who change them, and the bureau's above it, who read them) and unit heads; to
    viewers and everyone else the 獎懲 do not exist."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not (_reads_every_unit(access) or access.head_units):
        raise Http404("找不到此頁面。")
    return access


def _reads_every_unit(access: PlanAccess) -> bool:
    return access.can_edit or access.staff_above


def _visible(access: PlanAccess):
    records = Commendation.objects.filter(plan=access.plan)
    if not _reads_every_unit(access):
        records = records.for_units(access.head_units)
    return records


def _record(access: PlanAccess, pk: int) -> Commendation:
    record = one_or_none(_visible(access).for_detail().filter(pk=pk))
    if record is None:
        raise Http404("找不到此獎懲紀錄。")
    record.plan = access.plan
    return record


@login_required
@require_safe
def commendation_list(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    page = Paginator(_visible(access).for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/commendation_list.html",
        {"plan": access.plan, "access": access, "page": page, "reads_every_unit": _reads_every_unit(access)},
    )


@login_required
@require_safe
def commendation_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    return render(
        request, "assessments/commendation_detail.html", {"plan": access.plan, "access": access, "record": _record(access, pk)}
    )


@login_required
def commendation_new(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    access.require_edit()
    initial = {}
    if review_id := request.GET.get("review"):
        initial["review"] = review_id if review_id.isdigit() else None
    if test_id := request.GET.get("courtesy_test"):
        initial["courtesy_test"] = test_id if test_id.isdigit() else None
    form = CommendationForm(request.POST if request.method == "POST" else None, plan=access.plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = commendation_record(plan=access.plan, user=request.user, **form.cleaned_data)
        except CommendationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已登錄獎懲：{record.who} {record.kind_display}。")
            return redirect("assessments:commendation", year=access.plan.year, pk=record.pk)
    return render(request, "assessments/commendation_form.html", {"plan": access.plan, "access": access, "form": form, "record": None})


@login_required
def commendation_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    record = _record(access, pk)
    access.require_edit()
    if request.method == "POST":
        form = CommendationForm(request.POST, plan=access.plan)
        if form.is_valid():
            try:
                commendation_update(record=record, user=request.user, **form.cleaned_data)
            except CommendationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已儲存獎懲紀錄。")
                return redirect("assessments:commendation", year=access.plan.year, pk=record.pk)
    else:
        form = CommendationForm(
            initial={
                "unit": record.unit_id, "person_title": record.person_title, "person_name": record.person_name,
                "kind": record.kind, "times": record.times, "decided_on": record.decided_on, "reason": record.reason,
                "review": record.review_id, "courtesy_test": record.courtesy_test_id, "finding": record.finding,
            },
            plan=access.plan,
        )
    return render(request, "assessments/commendation_form.html", {"plan": access.plan, "access": access, "form": form, "record": record})


@login_required
def commendation_delete_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm, POST deletes; staff only (the unit's head reads the record: 403)."""
    access = _access(request, year)
    record = _record(access, pk)
    access.require_edit()
    if request.method == "POST":
        commendation_delete(record=record, user=request.user)
        messages.success(request, f"已刪除獎懲紀錄：{record.who} {record.kind_display}。")
        return redirect("assessments:commendations", year=access.plan.year)
    return confirm_delete_page(
        request,
        access,
        heading=f"刪除獎懲紀錄：{record.who} {record.kind_display}",
        here="獎懲",
        rows=[
            ("單位", record.unit.name),
            ("對象", f"{record.person_title}{record.person_name}" if record.person_name else "單位獎懲"),
            ("獎懲", record.kind_display),
            ("核定日期", format_roc(record.decided_on, "long")),
            ("獎懲事由", record.reason),
        ],
        button="確定刪除獎懲紀錄",
        cancel_url=reverse("assessments:commendation", kwargs={"year": access.plan.year, "pk": record.pk}),
    )
