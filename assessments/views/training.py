"""教育訓練 pages: the plan's sessions with their totals, a session, recording or changing one (研考承辦) with
every unit's attendance, and a unit head's correction of their own unit's attendance.

Everyone who may read the plan reads its sessions; staff change them; a unit head changes only the
attendance of their own units; viewers change nothing (403); a session of a plan the user cannot see is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from sq_portal.lookups import one_or_none
from sq_portal.roc_dates import format_roc

from ..forms.training import (
    AttendanceForm,
    TrainingFilterForm,
    TrainingSessionForm,
    attendance_units,
)
from ..indicators import FROM_TRAINING
from ..models import TrainingAttendance, TrainingSession
from ..models.training import attendance_total_subquery
from ..training_writes import training_attendance_save, training_session_delete, training_session_save
from .confirm import confirm_delete_page

PAGE_SIZE = 50


def _access(request: HttpRequest, year: int) -> PlanAccess:
    return get_plan_for_user(request.user, year, request.GET.get("org"))


def _session(access: PlanAccess, pk: int) -> TrainingSession:
    """A session of the plan the user already has access to; 404 otherwise."""
    session = one_or_none(
        TrainingSession.objects.filter(plan=access.plan, pk=pk).select_related("organizer", "indicator__measure", "recorded_by")
    )
    if session is None:
        raise Http404("找不到此教育訓練。")
    session.plan = access.plan
    return session


def _attendance_values(session: TrainingSession | None) -> dict[int, int]:
    if session is None:
        return {}
    return dict(TrainingAttendance.objects.filter(session=session).order_by().values_list("unit_id", "attendees"))


def _initial(units, values: dict[int, int]) -> dict:
    return {AttendanceForm.field_name(u): values.get(u.pk) for u in units}


def _editable_units(access: PlanAccess, units) -> set[int] | None:
    """None when every unit may be changed (staff); otherwise the user's own units among `units`."""
    if access.can_edit:
        return None
    own = {u.pk for u in access.head_units}
    editable = {u.pk for u in units if u.pk in own}
    if not editable:
        raise PermissionDenied("您沒有填寫此教育訓練參訓人數的權限。")
    return editable


@login_required
@require_safe
def training_list(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    plan = access.plan
    units = attendance_units(plan)
    filters = TrainingFilterForm(request.GET if request.GET.keys() - {"org", "page"} else None, plan=plan, units=units)
    sessions, unit = filters.filter(TrainingSession.objects.filter(plan=plan))
    totals = sessions.totals(unit=unit)
    rows = sessions.for_list()
    if unit is not None:
        rows = rows.annotate(unit_attendance=attendance_total_subquery(unit))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/training_list.html",
        {
            "plan": plan, "access": access, "filters": filters, "page": page, "totals": totals,
            "unit": unit, "query": query.urlencode(), "from_training": FROM_TRAINING,
        },
    )


@login_required
@require_safe
def training_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    session = _session(access, pk)
    units = attendance_units(access.plan)
    values = _attendance_values(session)
    rows = [{"unit": u, "attendees": values.get(u.pk)} for u in units]
    own = {u.pk for u in access.head_units}
    return render(
        request,
        "assessments/training_detail.html",
        {
            "plan": access.plan, "access": access, "session": session, "rows": rows,
            "total": sum(v for v in values.values()),
            "may_edit_attendance": access.can_edit or any(u.pk in own for u in units),
            "from_training": FROM_TRAINING,
        },
    )


@login_required
def training_create(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    access.require_edit()
    return _session_form(request, access, None)


@login_required
def training_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    session = _session(access, pk)
    access.require_edit()
    return _session_form(request, access, session)


def _session_form(request: HttpRequest, access: PlanAccess, session: TrainingSession | None) -> HttpResponse:
    plan = access.plan
    units = attendance_units(plan)
    if request.method == "POST":
        form = TrainingSessionForm(request.POST, plan=plan, instance=session)
        attendance = AttendanceForm(request.POST, units=units, editable=None)
        if form.is_valid() & attendance.is_valid():
            try:
                saved = training_session_save(
                    plan=plan, user=request.user, session=session,
                    values=form.session_values(), attendance=attendance.attendance(),
                    opened_version=form.cleaned_data["opened_version"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"已儲存教育訓練「{saved.topic}」。")
                return redirect("assessments:training", year=plan.year, pk=saved.pk)
        status = 400
    else:
        form = TrainingSessionForm(plan=plan, instance=session)
        attendance = AttendanceForm(initial=_initial(units, _attendance_values(session)), units=units, editable=None)
        status = 200
    return render(
        request,
        "assessments/training_form.html",
        {"plan": plan, "access": access, "session": session, "form": form, "attendance": attendance},
        status=status,
    )


@login_required
def training_attendance(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Staff: every unit's attendance; a unit head: only their own unit's row, the others read-only."""
    access = _access(request, year)
    session = _session(access, pk)
    units = attendance_units(access.plan)
    editable = _editable_units(access, units)
    values = _attendance_values(session)
    if request.method == "POST":
        form = AttendanceForm(request.POST, initial=_initial(units, values), units=units, editable=editable, opened_at=True)
        if form.is_valid():
            try:
                training_attendance_save(
                    session=session, user=request.user, attendance=form.attendance(),
                    allowed_units=None if editable is None else form.editable_units,
                    opened_at=form.cleaned_data["opened_at"],
                )
            except ValidationError as error:  # changed meanwhile: nothing written
                form.add_error(None, error.messages)
            else:
                messages.success(request, "已儲存參訓人數。")
                return redirect("assessments:training", year=year, pk=pk)
        status = 400
    else:
        form = AttendanceForm(initial=_initial(units, values), units=units, editable=editable, opened_at=True)
        status = 200
    return render(
        request,
        "assessments/training_attendance.html",
        {"plan": access.plan, "access": access, "session": session, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm (研考承辦), POST deletes the session with its attendance."""
    access = _access(request, year)
    session = _session(access, pk)
    access.require_edit()
    if request.method == "POST":
        training_session_delete(session=session, user=request.user)
        messages.success(request, f"已刪除教育訓練「{session.topic}」。")
        return redirect("assessments:training_list", year=year)
    return confirm_delete_page(
        request,
        access,
        heading=f"刪除教育訓練「{session.topic}」",
        here="教育訓練",
        rows=[
            ("辦理日期", format_roc(session.held_on, "long")),
            ("講座", session.speaker),
            ("參訓人數", "各單位的參訓人數一併刪除"),
        ],
        button="確定刪除教育訓練",
        cancel_url=reverse("assessments:training", kwargs={"year": access.plan.year, "pk": session.pk}),
    )
