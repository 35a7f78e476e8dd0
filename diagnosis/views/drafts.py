"""Measure drafts units proposed from their diagnosis: the list, and staff adopting or declining one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..access import get_measure_draft_for_user
from ..diagnosis_writes import DiagnosisError, measure_draft_adopt, measure_draft_decline
from ..models import MeasureDraft
from ._common import plan_access_for


@login_required
@require_safe
def draft_list(request: HttpRequest, year: int) -> HttpResponse:
    access = plan_access_for(request, year)
    drafts = MeasureDraft.objects.filter(plan=access.plan).for_list()
    if not access.reads_all:
        drafts = drafts.filter(unit__in=[u.pk for u in access.head_units])
    return render(request, "diagnosis/draft_list.html", {"plan": access.plan, "access": access, "drafts": drafts})


@login_required
@require_POST
def draft_decide(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = plan_access_for(request, year)
    draft = get_measure_draft_for_user(access, pk)
    access.require_edit()
    action = request.POST.get("action")
    try:
        if action == "adopt":
            measure = measure_draft_adopt(draft=draft, user=request.user)
            messages.success(request, f"已採行「{draft.name}」，列入附表2，由{draft.unit.name}主辦；請設定完成期限與績效指標。")
            return redirect("measures:measure", year=access.plan.year, pk=measure.pk)
        if action == "decline":
            measure_draft_decline(draft=draft, user=request.user)
            messages.success(request, f"已將「{draft.name}」列為不採行。")
        else:
            messages.error(request, "請選擇採行或不採行。")
    except DiagnosisError as error:
        messages.error(request, str(error))
    return redirect("diagnosis:drafts", year=access.plan.year)
