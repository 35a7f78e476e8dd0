"""配分: staff allot each dimension's points to its items and each item's to its focus points."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import score_reads, scores
from ..diagnosis_writes import ALLOTMENT_LOCKED, AllotmentError, allotment_save
from ..forms import AllotmentForm
from ..models import DiagnosisRound
from ._common import plan_access_for


@login_required
def allotment(request: HttpRequest, year: int) -> HttpResponse:
    access = plan_access_for(request, year)
    access.require_edit()
    plan = access.plan
    framework = score_reads.framework_of(plan)
    locked = DiagnosisRound.objects.filter(plan=plan).exists()
    problems: list[str] = []
    form = None
    if request.method == "POST" and not locked:
        form = AllotmentForm(request.POST, framework=framework)
        if form.is_valid():
            try:
                allotment_save(plan=plan, points=form.points(), user=request.user)
            except AllotmentError as error:
                problems = error.problems
            else:
                messages.success(request, "已儲存配分。")
                return redirect("diagnosis:allotment", year=plan.year)
    if form is None:
        proposal = scores.even_allotment(framework)
        form = AllotmentForm(initial=AllotmentForm.initial_for(framework, *proposal), framework=framework)
        problems = [ALLOTMENT_LOCKED] if request.method == "POST" else scores.allotment_problems(framework)
    if locked:
        for field in form.fields.values():
            field.disabled = True
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "diagnosis/allotment.html",
        {
            "plan": plan,
            "access": access,
            "form": form,
            "problems": problems,
            "locked": locked,
            "locked_message": ALLOTMENT_LOCKED,
            "complete": request.method == "GET" and not problems,
        },
        status=status,
    )
