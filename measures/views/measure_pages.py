"""A measure's pages: read it, and (研考承辦) create, edit, reorder, retire it, plan its progress, set indicators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from diagnosis.access import get_plan_for_user
from diagnosis.models import FocusPoint, Item

from ..access import get_measure_for_user, sees_report, units_carrying
from ..as_of import as_of_from_request
from ..forms.measure_forms import IndicatorForm, MeasureForm, PlannedProgressForm, plan_months
from ..measure_history import measure_history_entries
from ..measure_writes import (
    EditConflict,
    default_listed_on,
    indicator_retire,
    indicator_save,
    measure_create,
    measure_move,
    measure_retire,
    measure_update,
    planned_progress_set,
)
from ..models import Indicator, Measure, PlannedProgress, ProgressReport
from ..progress import COUNTED_REPORT_STATUSES, PlanProgress


@login_required
@require_safe
def measure_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    as_of = as_of_from_request(request, access.plan)
    # The measure's status as of the date, and each carrying unit's, read as the dashboards read them.
    progress = PlanProgress.load(access.plan, as_of.date, measures=[measure])
    planned = dict(PlannedProgress.objects.filter(measure_id=measure.pk).order_by().values_list("month", "percent"))
    reports = [r for r in ProgressReport.objects.filter(measure_id=measure.pk).for_measure_page() if sees_report(access, r)]
    latest_by_month: dict = {}
    for report in reports:
        if report.status in COUNTED_REPORT_STATUSES:  # what the dashboards count: sent, not returned
            current = latest_by_month.get(report.period)
            latest_by_month[report.period] = max(current or 0, report.progress)
    months = [
        {"month": month, "planned": planned.get(month), "reported": latest_by_month.get(month)}
        for month in plan_months(access.plan)
    ]
    indicators = list(Indicator.objects.filter(measure_id=measure.pk).for_measure_page())
    for indicator in indicators:
        indicator.target_text = indicator.target_display(access.plan.year)
        if access.can_change_year:
            kwargs = {"year": access.plan.year, "pk": measure.pk, "indicator_pk": indicator.pk}
            indicator.edit_url = reverse("measures:indicator_edit", kwargs=kwargs)
            indicator.retire_url = reverse("measures:indicator_retire", kwargs=kwargs)
    return render(
        request,
        "measures/measure_detail.html",
        {
            "plan": access.plan,
            "access": access,
            "measure": measure,
            "as_of": as_of,
            "status": progress.status[measure.pk],
            "unit_statuses": [(unit, progress.unit_status[(measure.pk, unit.pk)]) for unit in progress.carriers[measure.pk]],
            "indicators": indicators,
            "months": months,
            "reports": reports,
            "my_units": units_carrying(access, measure),
        },
    )


@login_required
def measure_create_page(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_open_year()
    plan = access.plan
    initial = {"source": Measure.Source.FORM2}
    if item_id := request.GET.get("item"):
        initial["item"] = Item.objects.filter(dimension__plan=plan, pk=_int_or_404(item_id)).values_list("pk", flat=True).first()
    if fp_id := request.GET.get("focus_point"):
        focus_point = FocusPoint.objects.filter(item__dimension__plan=plan, pk=_int_or_404(fp_id)).first()
        if focus_point:
            initial.update(focus_point=focus_point.pk, item=focus_point.item_id)
    form = MeasureForm(request.POST if request.method == "POST" else None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        last = Measure.objects.filter(plan=plan, source=data["source"]).order_by("-position").first()
        measure = measure_create(
            plan=plan,
            item=data["item"],
            focus_point=data["focus_point"],
            source=data["source"],
            position=(last.position + 1) if last else 1,
            name=data["name"],
            content=data["content"],
            lead_units=form.ordered_units("lead_units"),
            support_units=form.ordered_units("support_units"),
            all_units=data["all_units"],
            responsible_text=data["responsible_text"],
            deadline=None if data["ongoing"] else data["deadline"],
            ongoing=data["ongoing"],
            listed_on=data["listed_on"],
            user=request.user,
        )
        messages.success(request, f"已新增措施「{measure.name}」。")
        return redirect("measures:measure", year=plan.year, pk=measure.pk)
    return render(request, "measures/measure_form.html", {"plan": plan, "access": access, "form": form, "measure": None})


@login_required
def measure_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    conflict = None
    if request.method == "POST":
        form = MeasureForm(request.POST, plan=access.plan, editing=True)
        if form.is_valid():
            data = form.cleaned_data
            expected = data["version"]
            try:
                measure_update(
                    measure=measure,
                    user=request.user,
                    expected_version=expected,
                    lead_units=form.ordered_units("lead_units"),
                    support_units=form.ordered_units("support_units"),
                    item=data["item"],
                    focus_point=data["focus_point"],
                    source=data["source"],
                    name=data["name"],
                    content=data["content"],
                    all_units=data["all_units"],
                    responsible_text=data["responsible_text"],
                    deadline=None if data["ongoing"] else data["deadline"],
                    ongoing=data["ongoing"],
                    listed_on=data["listed_on"] or measure.listed_on or default_listed_on(access.plan),
                )
            except EditConflict as error:
                conflict = error
                measure = get_measure_for_user(access, pk)
                # Keep what this user typed, but base the next save on the version now stored.
                form = MeasureForm(
                    {**request.POST.dict(), "version": measure.version,
                     "lead_units": request.POST.getlist("lead_units"),
                     "support_units": request.POST.getlist("support_units")},
                    plan=access.plan,
                    editing=True,
                )
                form.is_valid()
            else:
                messages.success(request, "已儲存措施。")
                return redirect("measures:measure", year=access.plan.year, pk=measure.pk)
    else:
        form = MeasureForm(initial=MeasureForm.initial_for(measure), plan=access.plan)
    status = 409 if conflict else 200
    return render(
        request,
        "measures/measure_form.html",
        {"plan": access.plan, "access": access, "form": form, "measure": measure, "conflict": conflict},
        status=status,
    )


@login_required
@require_POST
def measure_move_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "排序方向不正確。")
    elif not measure_move(measure=measure, user=request.user, direction=direction):
        messages.info(request, "已在最前或最後，無法再移動。")
    return redirect(f"{_plan_url(access)}#item-{measure.item_id}")


@login_required
@require_POST
def measure_retire_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    retire = request.POST.get("action") != "restore"
    measure_retire(measure=measure, user=request.user, retire=retire)
    messages.success(request, f"已{'停用' if retire else '恢復'}措施「{measure.name}」。")
    return redirect("measures:measure", year=access.plan.year, pk=measure.pk)


@login_required
def measure_planned(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    initial = {PlannedProgressForm.field_name(p.month): p.percent for p in measure.planned_progress.all()}
    form = PlannedProgressForm(
        request.POST if request.method == "POST" else None, plan=access.plan, deadline=measure.deadline, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        planned_progress_set(measure=measure, user=request.user, months=form.values())
        messages.success(request, "已儲存預定進度。")
        return redirect("measures:measure", year=access.plan.year, pk=measure.pk)
    return render(request, "measures/planned_form.html", {"plan": access.plan, "access": access, "measure": measure, "form": form})


@login_required
def indicator_edit(request: HttpRequest, year: int, pk: int, indicator_pk: int | None = None) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    indicator = Indicator(measure=measure) if indicator_pk is None else _indicator(measure, indicator_pk)
    form = IndicatorForm(request.POST if request.method == "POST" else None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator_save(indicator=form.save(commit=False), user=request.user)
        messages.success(request, "已儲存績效指標。")
        return redirect("measures:measure", year=access.plan.year, pk=measure.pk)
    return render(
        request,
        "measures/indicator_form.html",
        {"plan": access.plan, "access": access, "measure": measure, "form": form, "indicator": indicator},
    )


@login_required
@require_POST
def indicator_retire_page(request: HttpRequest, year: int, pk: int, indicator_pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    access.require_open_year()
    indicator = _indicator(measure, indicator_pk)
    retire = request.POST.get("action") != "restore"
    indicator_retire(indicator=indicator, user=request.user, retire=retire)
    messages.success(request, f"已{'停用' if retire else '恢復'}績效指標「{indicator.name}」。")
    return redirect("measures:measure", year=access.plan.year, pk=measure.pk)


@login_required
@require_safe
def measure_history(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    measure = get_measure_for_user(access, pk)
    entries = list(reversed(measure_history_entries(measure)))
    return render(request, "measures/measure_history.html", {"plan": access.plan, "access": access, "measure": measure, "entries": entries})


def _indicator(measure: Measure, pk: int) -> Indicator:
    """An indicator of this measure; 404 for any other."""
    indicator = measure.indicators.filter(pk=pk).first()
    if indicator is None:
        raise Http404("找不到此指標。")
    return indicator


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("參數不正確。") from None


def _plan_url(access) -> str:
    return reverse("measures:plan", kwargs={"year": access.plan.year})
