"""服務評價 pages: satisfaction surveys (list, design, results by category or xlsx, trend) and the monthly
陳情案件 不滿意 analysis by unit.

Who: 研考承辦 (staff) create and change surveys and enter figures; 檢視者 and 單位主管 of the plan read every page
(a head sees the 陳情 analysis of the whole precinct, their own unit marked 本單位) and get 403 on any change;
someone outside the plan's organisation gets 404."""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from diagnosis.models import Unit
from measures.importers import max_import_bytes
from sq_portal.lookups import one_or_none
from sq_portal.sheets import XlsxRenderer

from ..charts import rate_trend_chart
from ..forms.surveys import (
    PetitionEntryForm,
    PetitionMonthForm,
    SurveyForm,
    SurveyResultsForm,
    SurveyUploadForm,
    format_roc_month,
)
from ..models import PetitionTally, SatisfactionSurvey
from ..satisfaction import Trend, plan_petition_analysis, plan_trend, survey_figures
from ..survey_imports import SurveyImportError, SurveyResultTemplate, import_survey_results
from ..survey_writes import SurveyError, petition_month_set, survey_delete, survey_results_set, survey_save
from .confirm import confirm_delete_page


def _access(request: HttpRequest, year: int) -> PlanAccess:
    return get_plan_for_user(request.user, year, request.GET.get("org"))


def _survey(access: PlanAccess, pk: int) -> SatisfactionSurvey:
    """A survey of the plan the user already has access to; 404 otherwise."""
    survey = one_or_none(SatisfactionSurvey.objects.filter(plan=access.plan, pk=pk).select_related("recorded_by"))
    if survey is None:
        raise Http404("找不到此滿意度調查。")
    survey.plan = access.plan
    return survey


def period_label(survey: SatisfactionSurvey) -> str:
    """106年1月, or 106年1月–3月 when the survey runs over several months (106年12月–107年2月 across years)."""
    start, end = survey.period_start, survey.period_end
    first = f"{start.year - 1911}年{start.month}月"
    if (start.year, start.month) == (end.year, end.month):
        return first
    if start.year == end.year:
        return f"{first}–{end.month}月"
    return f"{first}–{end.year - 1911}年{end.month}月"


# --- surveys -------------------------------------------------------------------------------------------
@login_required
@require_safe
def survey_list(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    surveys = list(SatisfactionSurvey.objects.filter(plan=access.plan).for_list())
    rows = [{"survey": s, "period": period_label(s), "figures": survey_figures(s)} for s in reversed(surveys)]
    return render(request, "assessments/survey_list.html", {"plan": access.plan, "access": access, "rows": rows})


@login_required
def survey_create(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    access.require_edit()
    plan = access.plan
    form = SurveyForm(request.POST if request.method == "POST" else None, plan=plan, initial={"sampling_method": ""})
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = survey_save(plan=plan, user=request.user, **form.values())
            except SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已新增「{survey.title}」，請登錄各類別的調查結果。")
                return redirect("assessments:survey_results", year=plan.year, pk=survey.pk)
    return render(
        request, "assessments/survey_form.html", {"plan": plan, "access": access, "form": form, "survey": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def survey_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    survey = _survey(access, pk)
    access.require_edit()
    if request.method == "POST":
        form = SurveyForm(request.POST, instance=SatisfactionSurvey.objects.get(pk=survey.pk), plan=access.plan)
        if form.is_valid():
            try:
                survey_save(plan=access.plan, user=request.user, survey=survey, **form.values())
            except SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已更新「{survey.title}」。")
                return redirect("assessments:survey", year=year, pk=pk)
    else:
        form = SurveyForm(instance=survey, plan=access.plan)
    return render(
        request, "assessments/survey_form.html", {"plan": access.plan, "access": access, "form": form, "survey": survey},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_delete_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm (研考承辦), POST deletes the survey with its results."""
    access = _access(request, year)
    survey = _survey(access, pk)
    access.require_edit()
    if request.method == "POST":
        survey_delete(survey=survey, user=request.user)
        messages.success(request, f"已刪除「{survey.title}」及其調查結果。")
        return redirect("assessments:surveys", year=year)
    results = survey.results.count()
    return confirm_delete_page(
        request,
        access,
        heading=f"刪除滿意度調查「{survey.title}」",
        here="滿意度調查",
        rows=[
            ("調查期間", period_label(survey)),
            ("抽樣方法", survey.get_sampling_method_display()),
            ("調查結果", f"{results} 個類別（一併刪除）" if results else "尚未填入"),
        ],
        button="確定刪除調查",
        cancel_url=reverse("assessments:survey", kwargs={"year": access.plan.year, "pk": survey.pk}),
    )


@login_required
@require_safe
def survey_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    survey = _survey(access, pk)
    figures = survey_figures(survey)
    return render(
        request, "assessments/survey_detail.html",
        {"plan": access.plan, "access": access, "survey": survey, "period": period_label(survey), "figures": figures},
    )


@login_required
def survey_results(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The five categories on one page; all saved, or none when any is wrong."""
    access = _access(request, year)
    survey = _survey(access, pk)
    access.require_edit()
    if request.method == "POST":
        form = SurveyResultsForm(request.POST)
        if form.is_valid():
            try:
                survey_results_set(survey=survey, user=request.user, results=form.results(), replace_all=True)
            except SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已儲存調查結果。")
                return redirect("assessments:survey", year=year, pk=pk)
    else:
        form = SurveyResultsForm(initial=SurveyResultsForm.initial_from(survey.results.all()))
    return render(
        request, "assessments/survey_results.html",
        {"plan": access.plan, "access": access, "survey": survey, "period": period_label(survey), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def survey_import(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = _access(request, year)
    survey = _survey(access, pk)
    access.require_edit()
    context = {"plan": access.plan, "access": access, "survey": survey, "period": period_label(survey), "errors": []}
    form = SurveyUploadForm(request.POST, request.FILES) if request.method == "POST" else SurveyUploadForm()
    context["form"] = form
    if request.method != "POST":
        return render(request, "assessments/survey_import.html", context)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > _max_bytes():
                raise SurveyImportError(
                    [f"檔案大小 {upload.size / 1048576:.1f} MB，超過匯入上限 {_max_bytes() / 1048576:.0f} MB。"]
                )
            rows = import_survey_results(survey=survey, data=upload.read(), user=request.user)
        except SurveyImportError as error:
            context["errors"] = error.errors
        except SurveyError as error:
            context["errors"] = [str(error)]
        else:
            messages.success(request, f"已匯入 {len(rows)} 個類別的調查結果。")
            return redirect("assessments:survey", year=year, pk=pk)
    return render(request, "assessments/survey_import.html", context, status=400)


def _max_bytes() -> int:
    return max_import_bytes()


@login_required
@require_safe
def survey_import_template(request: HttpRequest, year: int) -> HttpResponse:
    _access(request, year).require_edit()
    exporter, renderer = SurveyResultTemplate(), XlsxRenderer()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(renderer.extension))}"
    return response


def trend_chart(trend: Trend):
    periods = [period_label(s) for s in trend.surveys]
    return rate_trend_chart(periods, [(s.category, s.label, s.values()) for s in trend.series_with_data])


@login_required
@require_safe
def survey_trend_page(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    trend = plan_trend(access.plan)
    periods = [period_label(s) for s in trend.surveys]
    table = [
        {
            "survey": survey,
            "period": periods[i],
            "cells": [(s.label, s.rates[i].display if s.rates[i] is not None else "—") for s in trend.series],
            "overall": trend.overall[i],
        }
        for i, survey in enumerate(trend.surveys)
    ]
    return render(
        request, "assessments/survey_trend.html",
        {"plan": access.plan, "access": access, "trend": trend, "chart": trend_chart(trend) if trend.surveys else None, "table": table},
    )


# --- 陳情案件 ------------------------------------------------------------------------------------------
def _plan_units(plan) -> list[Unit]:
    """The units below the plan's organisation, in tree order (one query)."""
    organization = plan.organization
    return list(Unit.objects.within(organization).exclude(pk=organization.pk).in_tree_order())


def _default_month(plan) -> date:
    """Last month, kept within the plan's period."""
    today = timezone.localdate()
    last = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    return min(max(last, plan.start_date.replace(day=1)), plan.end_date.replace(day=1))


@login_required
@require_safe
def petition_analysis_page(request: HttpRequest, year: int) -> HttpResponse:
    access = _access(request, year)
    plan = access.plan
    analysis = plan_petition_analysis(plan)
    form = PetitionMonthForm(request.GET if "month" in request.GET else None, plan=plan)
    selected, status = None, 200
    if form.is_bound:
        if form.is_valid():
            selected = analysis.month(form.cleaned_data["month"])
            if selected is None:
                form.add_error("month", f"{format_roc_month(form.cleaned_data['month'])} 尚無陳情案件資料。")
                status = 404
        else:
            status = 400
    elif analysis.months:
        selected = analysis.months[-1]
        form = PetitionMonthForm(initial={"month": selected.month}, plan=plan)
    own = {unit.pk for unit in access.head_units}
    return render(
        request, "assessments/petition_analysis.html",
        {"plan": plan, "access": access, "analysis": analysis, "selected": selected, "form": form, "own_units": own},
        status=status,
    )


@login_required
def petition_entry(request: HttpRequest, year: int) -> HttpResponse:
    """One month's counts for every unit; the month is chosen first (GET ?month=), all saved or none."""
    access = _access(request, year)
    access.require_edit()
    plan = access.plan
    units = _plan_units(plan)
    context = {"plan": plan, "access": access}
    if request.method == "POST":
        form = PetitionEntryForm(request.POST, plan=plan, units=units)
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                kept = petition_month_set(plan=plan, month=month, user=request.user, counts=form.counts())
            except SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已儲存 {format_roc_month(month)} 的陳情案件資料（{kept} 個單位）。")
                return redirect(reverse("assessments:petitions", kwargs={"year": year}) + f"?month={format_roc_month(month)}")
        context.update(form=form, month=form.cleaned_data.get("month") if hasattr(form, "cleaned_data") else None)
        return render(request, "assessments/petition_entry.html", context, status=400)

    chooser = PetitionMonthForm(request.GET if "month" in request.GET else {"month": format_roc_month(_default_month(plan))}, plan=plan)
    context["chooser"] = chooser
    if not chooser.is_valid():
        return render(request, "assessments/petition_entry.html", context, status=400)
    month = chooser.cleaned_data["month"]
    tallies = PetitionTally.objects.filter(plan=plan, month=month)
    initial = {"month": month, **PetitionEntryForm.initial_from(tallies)}
    context.update(form=PetitionEntryForm(initial=initial, plan=plan, units=units), month=month)
    return render(request, "assessments/petition_entry.html", context)
