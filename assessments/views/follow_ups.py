"""列管追蹤 pages: the 追蹤單位 answers an item a closed review kept under control; its evidence downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user
from measures.evidence_responses import evidence_file_response

from ..follow_up_writes import FollowUpError, follow_up_answer
from ..follow_ups import (
    get_follow_up_file_for_user,
    get_follow_up_for_user,
    is_open_follow_up,
    latest_closed_review,
    require_answerer,
)
from ..forms.follow_ups import FollowUpAnswerForm


@login_required
def follow_up_answer_page(request: HttpRequest, year: int, pk: int, item_pk: int) -> HttpResponse:
    """GET: the item, its answer so far and (to the 追蹤單位) the form; POST: record the answer."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    item = get_follow_up_for_user(access, pk, item_pk)
    is_open = is_open_follow_up(item, latest_closed_review(access.plan))
    can_answer = is_open and item.follow_up_unit_id is not None and access.reports_for(item.follow_up_unit_id)
    answer = getattr(item, "answer", None)
    form = None
    if request.method == "POST":
        require_answerer(access, item)
        form = FollowUpAnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                follow_up_answer(item=item, user=request.user, text=form.cleaned_data["text"], files=form.cleaned_data["evidence"])
            except FollowUpError as error:
                messages.error(request, str(error))
                return redirect("assessments:follow_up_answer", year=year, pk=pk, item_pk=item_pk)
            messages.success(request, f"已送出「{item.measure.name}」的辦理情形。")
            return redirect("assessments:unit", code=item.follow_up_unit.code)
    elif can_answer:
        form = FollowUpAnswerForm(initial={"text": answer.text if answer else ""})
    return render(
        request,
        "assessments/follow_up_answer.html",
        {"plan": access.plan, "access": access, "item": item, "answer": answer, "form": form, "is_open": is_open},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_safe
def follow_up_file(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    evidence = get_follow_up_file_for_user(access, pk)
    return evidence_file_response(evidence)
