"""Measure drafts units propose from their 組織診斷: proposing one from a focus point's problem, the list, and staff
adopting or declining one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from diagnosis.access import get_answer_for_user, get_plan_for_user
from diagnosis.diagnosis_writes import DiagnosisError

from ..access import get_measure_draft_for_user
from ..draft_writes import check_pending, measure_draft_adopt, measure_draft_decline, measure_draft_propose
from ..forms.draft_forms import MeasureDraftForm
from ..models import MeasureDraft


@login_required
@require_safe
def draft_list(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    drafts = MeasureDraft.objects.filter(plan=access.plan).for_list()
    if not access.reads_all:
        drafts = drafts.filter(unit__in=[u.pk for u in access.head_units])
    return render(request, "measures/draft_list.html", {"plan": access.plan, "access": access, "drafts": drafts})


# What each decision does, as the confirmation page says it and the button names it.
DECISIONS = {"adopt": "採行", "decline": "不採行"}


@login_required
def draft_decide(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """採行 and 不採行 cannot be undone: GET (?action=adopt|decline) says what the decision does and offers
    確定; the POST of that page decides."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    draft = get_measure_draft_for_user(access, pk)
    access.require_open_year()
    action = request.POST.get("action") if request.method == "POST" else request.GET.get("action")
    if action not in DECISIONS:
        messages.error(request, "請選擇採行或不採行。")
        return redirect("measures:drafts", year=access.plan.year)
    try:
        check_pending(draft)
    except DiagnosisError as error:
        messages.error(request, str(error))
        return redirect("measures:drafts", year=access.plan.year)
    if request.method != "POST":
        return render(
            request,
            "measures/draft_decide.html",
            {"plan": access.plan, "access": access, "draft": draft, "action": action, "decision": DECISIONS[action]},
        )
    try:
        if action == "adopt":
            measure = measure_draft_adopt(draft=draft, user=request.user)
            messages.success(request, f"已採行「{draft.name}」，列入附表2，由{draft.unit.name}主辦；請設定完成期限與績效指標。")
            return redirect("measures:measure", year=access.plan.year, pk=measure.pk)
        measure_draft_decline(draft=draft, user=request.user)
        messages.success(request, f"已將「{draft.name}」列為不採行。")
    except DiagnosisError as error:
        messages.error(request, str(error))
    return redirect("measures:drafts", year=access.plan.year)


@login_required
def draft_propose(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    answer = get_answer_for_user(access, pk)
    focus_point = answer.focus_point
    if request.method == "POST":
        form = MeasureDraftForm(request.POST)
        if form.is_valid():
            try:
                draft = measure_draft_propose(answer=answer, user=request.user, **form.cleaned_data)
            except DiagnosisError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已提出措施草案「{draft.name}」，待研考承辦處理。")
                return redirect("measures:drafts", year=access.plan.year)
    else:
        content = answer.problems if not answer.improvements else f"問題：{answer.problems}\n改善：{answer.improvements}"
        form = MeasureDraftForm(initial={"content": content})
    return render(
        request,
        "measures/draft_propose.html",
        {
            "plan": access.plan,
            "access": access,
            "answer": answer,
            "focus_point": focus_point,
            "diagnosis": answer.unit_diagnosis,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
