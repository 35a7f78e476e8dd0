"""Diagnosis rounds: the list (and opening one), one round's submission status, closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import score_reads, scores
from ..access import get_round_for_user, own_diagnoses
from ..diagnosis_writes import DiagnosisError, round_close, round_open
from ..forms import RoundOpenForm
from ..models import DiagnosisRound, UnitDiagnosis
from ._common import plan_access_for


@login_required
def round_list(request: HttpRequest, year: int) -> HttpResponse:
    access = plan_access_for(request, year)
    plan = access.plan
    form = None
    allotment_problems: list[str] = []
    if request.method == "POST":
        access.require_edit()
        form = RoundOpenForm(request.POST, year=plan.year)
        if form.is_valid():
            try:
                diagnosis_round = round_open(plan=plan, user=request.user, **form.cleaned_data)
            except DiagnosisError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"已開啟「{diagnosis_round.title}」，{diagnosis_round.unit_diagnoses.count()} 個單位待填自評。"
                )
                return redirect("diagnosis:round", year=plan.year, pk=diagnosis_round.pk)
    elif access.can_edit:
        allotment_problems = scores.allotment_problems(score_reads.framework_of(plan))
        today = timezone.localdate()
        form = RoundOpenForm(initial={"title": f"{plan.year}年組織診斷", "opens_on": today, "due_on": today}, year=plan.year)
    rounds = list(DiagnosisRound.objects.filter(plan=plan).for_list())
    mine: dict[int, list[UnitDiagnosis]] = {}
    if access.head_units:
        for diagnosis in UnitDiagnosis.objects.filter(
            round__plan=plan, unit__in=[u.pk for u in access.head_units]
        ).for_round():
            mine.setdefault(diagnosis.round_id, []).append(diagnosis)
    for diagnosis_round in rounds:
        diagnosis_round.mine = mine.get(diagnosis_round.pk, [])
    return render(
        request,
        "diagnosis/round_list.html",
        {
            "plan": plan,
            "access": access,
            "rounds": rounds,
            "form": form,
            "allotment_problems": allotment_problems,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_safe
def round_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    diagnoses = list(UnitDiagnosis.objects.filter(round=diagnosis_round).for_round()) if access.reads_all else []
    return render(
        request,
        "diagnosis/round_detail.html",
        {
            "plan": access.plan,
            "access": access,
            "round": diagnosis_round,
            "diagnoses": diagnoses,
            "submitted_count": sum(1 for d in diagnoses if d.is_submitted),
            "mine": own_diagnoses(access, diagnosis_round),
        },
    )


@login_required
def round_close_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """結束 a round cannot be undone: GET says what it does and offers 確認結束; only a POST carrying that
    confirmation closes. A POST without it changes nothing and leads to this page."""
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    access.require_edit()
    if request.method == "POST" and request.POST.get("confirm") != "close":
        return redirect("diagnosis:round_close", year=year, pk=pk)
    if request.method != "POST" and not diagnosis_round.is_open:
        messages.error(request, "此組織診斷已結束。")
        return redirect("diagnosis:round", year=year, pk=pk)
    if request.method == "POST":
        try:
            round_close(diagnosis_round=diagnosis_round, user=request.user)
        except DiagnosisError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"「{diagnosis_round.title}」已結束；未送出的單位不列入結果。")
        return redirect("diagnosis:round", year=year, pk=pk)
    diagnoses = list(UnitDiagnosis.objects.filter(round=diagnosis_round).for_round())
    return render(
        request,
        "diagnosis/round_close.html",
        {
            "plan": access.plan,
            "access": access,
            "round": diagnosis_round,
            "total": len(diagnoses),
            "submitted_count": sum(1 for d in diagnoses if d.is_submitted),
        },
    )
