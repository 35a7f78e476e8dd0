"""A unit's self-check: the unit head fills it (draft, then submit); staff and viewers read it once submitted,
and staff may send it back to the unit (退回, with a reason) while the round is open.
From a focus point with problems found, the unit head proposes a measure draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import score_reads, scores
from ..access import can_fill, get_round_for_user, get_unit_diagnosis_for_user
from ..diagnosis_writes import DiagnosisError, unit_diagnosis_return, unit_diagnosis_save
from ..forms import UnitDiagnosisForm
from ..models import FocusPoint, UnitDiagnosis
from ._common import plan_access_for


def _sections(framework: scores.Framework, details: dict, answers: dict, form=None) -> list[dict]:
    """Dimension → item → focus point, each focus point with its criteria, its answer and its fields."""
    sections = []
    for d in framework.dimensions:
        items = []
        for item in d.items:
            points = []
            for fp in item.focus_points:
                row = {"fp": fp, "detail": details.get(fp.pk), "answer": answers.get(fp.pk)}
                if form is not None:
                    row.update(
                        score=form[f"score_{fp.pk}"],
                        problems=form[f"problems_{fp.pk}"],
                        improvements=form[f"improvements_{fp.pk}"],
                    )
                points.append(row)
            items.append({"item": item, "points": points})
        sections.append({"dimension": d, "items": items})
    return sections


@login_required
def unit_diagnosis(request: HttpRequest, year: int, pk: int, code: str) -> HttpResponse:
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    diagnosis = get_unit_diagnosis_for_user(access, diagnosis_round, code)
    fillable = can_fill(access, diagnosis)
    if request.method == "POST" and not access.heads(diagnosis.unit_id):
        raise PermissionDenied("只有該單位主管可以填寫自評。")
    if request.method == "POST" and not fillable:
        messages.error(request, "此單位的自評已送出或此組織診斷已結束，不能再修改。")
        return redirect("diagnosis:unit", year=year, pk=pk, code=code)
    framework = score_reads.framework_of(access.plan)
    answers = {a.focus_point_id: a for a in diagnosis.answers.all()}
    form = None
    status = 200
    if fillable:
        submit = request.POST.get("action") == "submit"
        if request.method == "POST":
            form = UnitDiagnosisForm(request.POST, framework=framework, submit=submit)
            if form.is_valid():
                # 送出自評 cannot be undone: the answers are kept as a draft, and the confirmation page submits them.
                try:
                    unit_diagnosis_save(diagnosis=diagnosis, answers=form.answers(), submit=False, user=request.user)
                except DiagnosisError as error:
                    form.add_error(None, str(error))
                else:
                    if submit:
                        return redirect("diagnosis:unit_submit", year=year, pk=pk, code=code)
                    messages.success(request, "已暫存草稿；送出前只有本單位看得到。")
                    return redirect("diagnosis:unit", year=year, pk=pk, code=code)
            status = 400
        else:
            form = UnitDiagnosisForm(initial=UnitDiagnosisForm.initial_for(answers.values()), framework=framework)
    details = {
        fp.pk: fp
        for fp in FocusPoint.objects.filter(item__dimension__plan=access.plan).prefetch_related("criteria")
    }
    score = scores.unit_score(framework, {k: a.score for k, a in answers.items()}) if not fillable else None
    return render(
        request,
        "diagnosis/unit_diagnosis.html",
        {
            "plan": access.plan,
            "access": access,
            "round": diagnosis_round,
            "diagnosis": diagnosis,
            "form": form,
            "sections": _sections(framework, details, answers, form),
            "score": score,
            "framework": framework,
            "dimension_scores": [(d, score.by_dimension[d.pk]) for d in framework.dimensions] if score else [],
            "is_own": access.heads(diagnosis.unit_id),
            "can_return": access.can_edit and diagnosis.is_submitted and diagnosis_round.is_open,
        },
        status=status,
    )


@login_required
def unit_submit(request: HttpRequest, year: int, pk: int, code: str) -> HttpResponse:
    """送出自評's confirmation: GET says what submitting does, and only a POST carrying confirm=submit submits
    the saved answers. A POST without it changes nothing and leads to this page."""
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    diagnosis = get_unit_diagnosis_for_user(access, diagnosis_round, code)
    if not access.heads(diagnosis.unit_id):
        raise PermissionDenied("只有該單位主管可以送出自評。")
    if not can_fill(access, diagnosis):
        messages.error(request, "此單位的自評已送出或此組織診斷已結束，不能再修改。")
        return redirect("diagnosis:unit", year=year, pk=pk, code=code)
    if request.method == "POST":
        if request.POST.get("confirm") != "submit":
            return redirect("diagnosis:unit_submit", year=year, pk=pk, code=code)
        try:
            unit_diagnosis_save(diagnosis=diagnosis, answers={}, submit=True, user=request.user)
        except DiagnosisError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已送出自評，研考承辦可以檢視。")
        return redirect("diagnosis:unit", year=year, pk=pk, code=code)
    framework = score_reads.framework_of(access.plan)
    scores_given = {a.focus_point_id: a.score for a in diagnosis.answers.all()}
    points = [place.focus_point.pk for place in framework.located()]
    return render(
        request,
        "diagnosis/unit_submit.html",
        {
            "plan": access.plan,
            "access": access,
            "round": diagnosis_round,
            "diagnosis": diagnosis,
            "total": len(points),
            "unscored": sum(1 for fp in points if scores_given.get(fp) is None),
            "score": scores.unit_score(framework, scores_given),
        },
    )


@login_required
@require_POST
def unit_return(request: HttpRequest, year: int, pk: int, code: str) -> HttpResponse:
    """Staff send a submitted diagnosis back to its unit with a reason; the unit's own head and viewers get 403,
    whoever does not see the diagnosis 404."""
    access = plan_access_for(request, year)
    diagnosis_round = get_round_for_user(access, pk)
    diagnosis = get_unit_diagnosis_for_user(access, diagnosis_round, code)
    if access.heads(diagnosis.unit_id):
        raise PermissionDenied("單位不能退回自己的自評。")
    access.require_edit()
    try:
        unit_diagnosis_return(diagnosis=diagnosis, reason=request.POST.get("reason", ""), user=request.user)
    except DiagnosisError as error:
        messages.error(request, str(error))
        if UnitDiagnosis.objects.filter(pk=diagnosis.pk).submitted().exists():
            return redirect("diagnosis:unit", year=year, pk=pk, code=code)
    else:
        messages.success(request, f"已將{diagnosis.unit.name}的自評退回，單位修正後會再送出。")
    return redirect("diagnosis:round", year=year, pk=pk)
