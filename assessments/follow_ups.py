"""Reading 列管追蹤: the open follow-ups of a unit (the items the latest closed review kept under control with
that unit as 追蹤單位: measures' items, and 電話禮貌測試 items whose 追蹤單位 is the unit tested), their answers,
and who may see or answer one. Both kinds of item go through the same functions here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404

from diagnosis.access import PlanAccess
from measures.report_writes import ReportStateError, check_year_open
from sq_portal.lookups import one_or_none

from .models import ControlReview, FollowUpAnswer, FollowUpEvidence, ReviewCourtesyItem, ReviewItem

KEEP = ReviewItem.Decision.KEEP


def latest_closed_review(plan) -> ControlReview | None:
    """The review whose 繼續列管 items are the plan's open follow-ups (the next review carries them). One query."""
    return ControlReview.objects.filter(plan=plan, state=ControlReview.State.CLOSED).order_by("-as_of", "-pk").first()


def with_answers(items):
    """Items with their answer, its answerer and its files: two queries however many items."""
    return items.select_related("answer__answered_by").prefetch_related(
        Prefetch("answer__files", queryset=FollowUpEvidence.objects.order_by("uploaded_at", "pk"))
    )


def followed_by(review: ControlReview, unit_ids) -> tuple:
    """The review's measure items and 電話禮貌測試 items whose 追蹤單位 is one of these units (a 電話禮貌測試 item's
    is the unit tested), each with what its row shows."""
    unit_ids = list(unit_ids)
    return (
        review.items.filter(follow_up_unit_id__in=unit_ids).select_related("measure", "follow_up_unit"),
        review.courtesy_items.filter(unit_id__in=unit_ids).select_related("unit", "courtesy_test"),
    )


def open_follow_ups(plan, unit_ids) -> list[ReviewItem | ReviewCourtesyItem]:
    """The open follow-ups of these units, by 追蹤期限: the review's own query, then for each kind of item the
    items', their answers' and their files'."""
    review = latest_closed_review(plan)
    if review is None or not unit_ids:
        return []
    measures, courtesy = followed_by(review, unit_ids)
    items = [*with_answers(measures.filter(decision=KEEP)), *with_answers(courtesy.filter(decision=KEEP))]
    for item in items:
        item.review = review
    return sorted(items, key=lambda item: (item.follow_up_due is None, item.follow_up_due or review.as_of, item.pk))


def previous_answers(review: ControlReview) -> dict[int, FollowUpAnswer]:
    """The answers to the previous review's measure items, by measure: shown beside the items this review carried."""
    if review.previous_id is None:
        return {}
    answers = with_files(FollowUpAnswer.objects.filter(item__review_id=review.previous_id).select_related("item"))
    return {answer.item.measure_id: answer for answer in answers}


def previous_courtesy_answers(review: ControlReview) -> dict[int, FollowUpAnswer]:
    """The answers to the previous review's 電話禮貌測試 items, by unit."""
    if review.previous_id is None:
        return {}
    answers = with_files(
        FollowUpAnswer.objects.filter(courtesy_item__review_id=review.previous_id).select_related("courtesy_item")
    )
    return {answer.courtesy_item.unit_id: answer for answer in answers}


def with_files(answers):
    return answers.select_related("answered_by").prefetch_related(
        Prefetch("files", queryset=FollowUpEvidence.objects.order_by("uploaded_at", "pk"))
    )


def sees_item(access: PlanAccess, item: ReviewItem | ReviewCourtesyItem) -> bool:
    """Staff and viewers read every item; a unit head the items whose 追蹤單位 they report for."""
    return access.reads_all or answers_item(access, item)


def closed_reason(plan) -> str | None:
    """Why no follow-up of the plan may be answered any more (its 結算日 has passed: the rule of reports,
    `check_year_open`), or None."""
    try:
        check_year_open(plan)
    except ReportStateError as error:
        return str(error)
    return None


def is_open_follow_up(item: ReviewItem | ReviewCourtesyItem, latest: ControlReview | None) -> bool:
    return item.decision == KEEP and latest is not None and item.review_id == latest.pk


def get_follow_up_for_user(access: PlanAccess, review_pk: int, item_pk: int, model=ReviewItem):
    """An item (of `model`: a measure's or a 電話禮貌測試's) of a review of the plan that the user may see
    (`sees_item`), with its answer; 404 otherwise."""
    related = ("measure__item__dimension", "follow_up_unit") if model is ReviewItem else ("unit", "courtesy_test")
    item = one_or_none(
        with_answers(
            model.objects.filter(pk=item_pk, review_id=review_pk, review__plan=access.plan).select_related("review", *related)
        )
    )
    if item is None or not sees_item(access, item):
        raise Http404("找不到此列管項目。")
    return item


def answers_item(access: PlanAccess, item: ReviewItem | ReviewCourtesyItem) -> bool:
    """Only whoever reports for the 追蹤單位 answers an item."""
    return item.follow_up_unit_id is not None and access.reports_for(item.follow_up_unit_id)


def require_answerer(access: PlanAccess, item: ReviewItem | ReviewCourtesyItem) -> None:
    """Only whoever reports for the 追蹤單位 answers (`answers_item`); anyone else who reads it gets 403."""
    if not answers_item(access, item):
        raise PermissionDenied("只有追蹤單位可以填報辦理情形。")


def get_follow_up_file_for_user(access: PlanAccess, pk: int) -> FollowUpEvidence:
    found = one_or_none(
        FollowUpEvidence.objects.filter(
            Q(answer__item__review__plan=access.plan) | Q(answer__courtesy_item__review__plan=access.plan), pk=pk
        ).select_related("answer__item__review", "answer__courtesy_item__review")
    )
    if found is None or not sees_item(access, found.answer.followed):
        raise Http404("找不到此佐證資料。")
    return found


def open_follow_up_count(plan) -> int:
    """How many follow-ups of the plan are open (every unit's 繼續列管 items of its latest closed review): three
    queries."""
    review = latest_closed_review(plan)
    if review is None:
        return 0
    return review.items.filter(decision=KEEP).count() + review.courtesy_items.filter(decision=KEEP).count()
