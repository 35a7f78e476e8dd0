"""列管追蹤 pages: the 追蹤單位 answers an item a closed review kept under control (a measure's or a 電話禮貌測試's),
removes a file of its answer; the files download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user
from measures.evidence_responses import evidence_file_response

from ..follow_up_writes import FollowUpError, follow_up_answer, follow_up_file_delete
from ..follow_ups import (
    answers_item,
    closed_reason,
    get_follow_up_file_for_user,
    get_follow_up_for_user,
    is_open_follow_up,
    latest_closed_review,
    require_answerer,
)
from ..forms.follow_ups import FollowUpAnswerForm
from ..models import ReviewCourtesyItem, ReviewItem
from .confirm import confirm_delete_page

# The kinds of item a follow-up answers, as the addresses name them.
KINDS = {"measure": ReviewItem, "courtesy": ReviewCourtesyItem}


@login_required
def follow_up_answer_page(request: HttpRequest, year: int, pk: int, item_pk: int, kind: str = "measure") -> HttpResponse:
    """GET: the item, its answer so far and (to the 追蹤單位) the form; POST: record the answer."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    item = get_follow_up_for_user(access, pk, item_pk, KINDS[kind])
    is_open = is_open_follow_up(item, latest_closed_review(access.plan))
    closed = closed_reason(access.plan)
    can_answer = is_open and not closed and answers_item(access, item)
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
                return redirect(item.answer_url_name, year=year, pk=pk, item_pk=item_pk)
            messages.success(request, f"已送出「{item.follow_up_title}」的辦理情形。")
            return redirect("assessments:unit", code=item.follow_up_unit.code)
    elif can_answer:
        form = FollowUpAnswerForm(initial={"text": answer.text if answer else ""})
    return render(
        request,
        "assessments/follow_up_answer.html",
        {
            "plan": access.plan, "access": access, "item": item, "answer": answer, "form": form, "is_open": is_open,
            "closed": closed, "removable": can_answer,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_safe
def follow_up_file(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    evidence = get_follow_up_file_for_user(access, pk)
    return evidence_file_response(evidence)


@login_required
def follow_up_file_remove(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """GET asks to confirm, POST removes one file of an answer: the 追蹤單位 only (a reader gets 403), while the
    follow-up is open."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    evidence = get_follow_up_file_for_user(access, pk)
    item = evidence.answer.followed
    require_answerer(access, item)
    back = redirect(item.answer_url_name, year=year, pk=item.review_id, item_pk=item.pk)
    if request.method == "POST":
        try:
            follow_up_file_delete(evidence=evidence, user=request.user)
        except FollowUpError as error:
            messages.error(request, str(error))
            return back
        messages.success(request, f"已移除檔案「{evidence.original_name}」。")
        return back
    return confirm_delete_page(
        request,
        access,
        heading="移除辦理情形的檔案",
        here="移除檔案",
        rows=[("列管項目", item.follow_up_title), ("檔案", evidence.original_name)],
        button="確定移除檔案",
        cancel_url=back.url,
    )
