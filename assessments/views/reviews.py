"""定期管制考核 pages: the list, opening a review, recording decisions, closing it, its 管制表."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from diagnosis.access import PlanAccess, get_plan_for_user
from measures.progress import default_as_of
from sq_portal.lookups import one_or_none
from sq_portal.sheets import RENDERERS

from ..exporters import ControlSheetExporter
from ..follow_ups import (
    closed_reason,
    followed_by,
    latest_closed_review,
    previous_answers,
    previous_courtesy_answers,
    with_answers,
)
from ..forms.courtesy import COURTESY_PREFIX, ReviewCourtesyItemFormSet
from ..forms.reviews import ReviewItemFormSet, ReviewOpenForm
from ..models import ControlReview, ReviewItem
from ..models.reviews import plan_reviews
from ..review_writes import ReviewError, review_close, review_items_save, review_open


def _reader_access(request: HttpRequest, year: int) -> PlanAccess:
    """Reviews are for staff and viewers; to a unit head or an outsider they do not exist (404)."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    if not access.reads_all:
        raise Http404("找不到此頁面。")
    return access


def _review(access: PlanAccess, pk: int) -> ControlReview:
    """A review of the plan the user already has access to; 404 otherwise."""
    review = one_or_none(ControlReview.objects.filter(plan=access.plan, pk=pk).select_related("plan__organization", "created_by"))
    if review is None:
        raise Http404("找不到此管制考核。")
    return review


@login_required
def review_list(request: HttpRequest, year: int) -> HttpResponse:
    """Staff and viewers: every review (staff open the next one here). A unit head: only the reviews with items
    concerning their units, and of each only how many; a POST gets 403."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    plan = access.plan
    if not access.reads_all:
        if request.method == "POST":
            access.require_edit()
        reviews = ControlReview.objects.filter(plan=plan).concerning(u.pk for u in access.reporting_units)
        return render(request, "assessments/review_list.html", {"plan": plan, "access": access, "reviews": reviews, "head_view": True})
    form = None
    if access.can_edit:
        as_of = default_as_of(plan)
        form = ReviewOpenForm(
            request.POST if request.method == "POST" else None,
            plan=plan,
            initial={"title": f"{as_of.year - 1911}年{as_of.month}月份管制考核", "as_of": as_of, "meeting_date": timezone.localdate()},
        )
    if request.method == "POST":
        access.require_edit()
        if form.is_valid():
            try:
                review = review_open(plan=plan, user=request.user, **form.cleaned_data)
            except ReviewError as error:
                form.add_error(None, str(error))
            else:
                courtesy = review.courtesy_items.count()
                also = f"及 {courtesy} 個電話禮貌測試未達及格分數的單位" if courtesy else ""
                messages.success(request, f"已開啟「{review.title}」，提列 {review.items.count()} 項措施{also}。")
                return redirect("assessments:review", year=plan.year, pk=review.pk)
    reviews = plan_reviews(plan_id=plan.pk)
    return render(request, "assessments/review_list.html", {"plan": plan, "access": access, "reviews": reviews, "form": form})


def _head_review(request: HttpRequest, access: PlanAccess, review: ControlReview) -> HttpResponse:
    """A unit head reads the items whose 追蹤單位 they report for, and nothing else of the review: 404 when
    there are none, 403 on a change."""
    unit_ids = [u.pk for u in access.reporting_units]
    measures, courtesy = followed_by(review, unit_ids)
    items, courtesy_items = list(with_answers(measures)), list(with_answers(courtesy))
    if not items and not courtesy_items:
        raise Http404("找不到此管制考核。")
    if request.method == "POST":
        access.require_edit()  # a unit head who reads some items may change none: 403
    latest = latest_closed_review(access.plan)
    return render(
        request,
        "assessments/review_detail.html",
        {"plan": access.plan, "access": access, "review": review, "items": items, "courtesy_items": courtesy_items,
         "head_view": True, "answerable": latest is not None and latest.pk == review.pk and closed_reason(access.plan) is None},
    )


@login_required
def review_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    review = _review(access, pk)
    if not access.reads_all:
        return _head_review(request, access, review)
    items = with_answers(review.items.select_related("measure__item__dimension", "follow_up_unit")).prefetch_related(
        "measure__lead_units", "measure__support_units"
    )
    answers = previous_answers(review)
    courtesy_answers = previous_courtesy_answers(review)
    courtesy_items = with_answers(review.courtesy_items.select_related("unit", "courtesy_test"))
    editable = access.can_edit and review.is_open
    formset = courtesy_formset = None
    if request.method == "POST":
        access.require_edit()
        if not review.is_open:
            messages.error(request, "此管制考核已結案，不能再修改。")
            return redirect("assessments:review", year=year, pk=pk)
        formset = ReviewItemFormSet(request.POST, queryset=items, plan=access.plan)
        courtesy_formset = ReviewCourtesyItemFormSet(
            request.POST, queryset=courtesy_items, prefix=COURTESY_PREFIX, plan=access.plan
        )
        if formset.is_valid() and courtesy_formset.is_valid():
            review_items_save(
                review=review,
                items=formset.save(commit=False),
                courtesy_items=courtesy_formset.save(commit=False),
                user=request.user,
            )
            messages.success(request, "已儲存管制項目。")
            if request.POST.get("then") == "close":
                return redirect("assessments:review_close", year=year, pk=pk)
            return redirect("assessments:review", year=year, pk=pk)
    elif editable:
        formset = ReviewItemFormSet(queryset=items, plan=access.plan)
        courtesy_formset = ReviewCourtesyItemFormSet(queryset=courtesy_items, prefix=COURTESY_PREFIX, plan=access.plan)
    if formset is None:
        items, courtesy_items = list(items), list(courtesy_items)
    for item in items if formset is None else (form.instance for form in formset):
        item.previous_answer = answers.get(item.measure_id) if item.origin == item.Origin.CARRIED else None
    for item in courtesy_items if courtesy_formset is None else (form.instance for form in courtesy_formset):
        item.previous_answer = courtesy_answers.get(item.unit_id) if item.origin == item.Origin.CARRIED else None
    return render(
        request,
        "assessments/review_detail.html",
        {
            "plan": access.plan,
            "access": access,
            "review": review,
            "items": items if formset is None else None,
            "courtesy_items": courtesy_items if courtesy_formset is None else None,
            "formset": formset,
            "courtesy_formset": courtesy_formset,
        },
        status=400 if formset is not None and formset.is_bound else 200,
    )


@login_required
def review_close_page(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """結案 cannot be undone: GET says what closing does (what is kept under control, what is released, what is
    still undecided) and offers 確認結案; only a POST carrying that confirmation closes. A POST without it
    (an old form, a stray request) changes nothing and leads to this page."""
    access = _reader_access(request, year)
    review = _review(access, pk)
    access.require_edit()
    if not review.is_open:
        messages.error(request, "此管制考核已結案。")
        return redirect("assessments:review", year=year, pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "close":
            return redirect("assessments:review_close", year=year, pk=pk)
        try:
            review_close(review=review, user=request.user)
        except ReviewError as error:
            messages.error(request, str(error))
            return redirect("assessments:review_close", year=year, pk=pk)
        messages.success(request, f"「{review.title}」已結案；繼續列管的項目（措施、電話禮貌測試）將列入下次管制考核，追蹤單位可在單位頁填報辦理情形。")
        return redirect("assessments:review", year=year, pk=pk)
    decisions = {}
    for decision in [*review.items.values_list("decision", flat=True), *review.courtesy_items.values_list("decision", flat=True)]:
        decisions[decision] = decisions.get(decision, 0) + 1
    return render(
        request,
        "assessments/review_close.html",
        {
            "plan": access.plan,
            "access": access,
            "review": review,
            "kept": decisions.get(ReviewItem.Decision.KEEP, 0),
            "released": decisions.get(ReviewItem.Decision.RELEASE, 0),
            "undecided": decisions.get("", 0),
        },
    )


@login_required
@require_safe
def review_export(request: HttpRequest, year: int, pk: int, extension: str = "xlsx") -> HttpResponse:
    """The 管制表 as xlsx or ods."""
    access = _reader_access(request, year)
    exporter = ControlSheetExporter(_review(access, pk))
    renderer = RENDERERS[extension]()
    response = HttpResponse(renderer.render(exporter), content_type=renderer.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exporter.filename(renderer.extension))}"
    return response
