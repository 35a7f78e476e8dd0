"""Reading 列管追蹤: the open follow-ups of a unit (the items the latest closed review kept under control with
that unit as 追蹤單位), their answers, and who may see or answer one."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from diagnosis.access import PlanAccess
from sq_portal.lookups import one_or_none

from .models import ControlReview, FollowUpAnswer, FollowUpEvidence, ReviewItem

KEEP = ReviewItem.Decision.KEEP


def latest_closed_review(plan) -> ControlReview | None:
    """The review whose 繼續列管 items are the plan's open follow-ups (the next review carries them). One query."""
    return ControlReview.objects.filter(plan=plan, state=ControlReview.State.CLOSED).order_by("-as_of", "-pk").first()


def with_answers(items):
    """Items with their answer, its answerer and its files: two queries however many items."""
    return items.select_related("answer__answered_by").prefetch_related(
        Prefetch("answer__files", queryset=FollowUpEvidence.objects.order_by("uploaded_at", "pk"))
    )


def open_follow_ups(plan, unit_ids) -> list[ReviewItem]:
    """The open follow-ups of these units, by 追蹤期限 (the review's own query, the items', their files')."""
    review = latest_closed_review(plan)
    if review is None or not unit_ids:
        return []
    items = with_answers(
        review.items.filter(decision=KEEP, follow_up_unit_id__in=list(unit_ids)).select_related("measure", "follow_up_unit")
    ).order_by("follow_up_due", "pk")
    items = list(items)
    for item in items:
        item.review = review
    return items


def previous_answers(review: ControlReview) -> dict[int, FollowUpAnswer]:
    """The answers to the previous review's items, by measure: shown beside the items this review carried."""
    if review.previous_id is None:
        return {}
    answers = FollowUpAnswer.objects.filter(item__review_id=review.previous_id).select_related(
        "answered_by", "item"
    ).prefetch_related(Prefetch("files", queryset=FollowUpEvidence.objects.order_by("uploaded_at", "pk")))
    return {answer.item.measure_id: answer for answer in answers}


def sees_item(access: PlanAccess, item: ReviewItem) -> bool:
    """Staff and viewers read every item; a unit head the items whose 追蹤單位 they report for."""
    return access.reads_all or (item.follow_up_unit_id is not None and access.reports_for(item.follow_up_unit_id))


def is_open_follow_up(item: ReviewItem, latest: ControlReview | None) -> bool:
    return item.decision == KEEP and latest is not None and item.review_id == latest.pk


def get_follow_up_for_user(access: PlanAccess, review_pk: int, item_pk: int) -> ReviewItem:
    """An item of a review of the plan that the user may see (`sees_item`), with its answer; 404 otherwise."""
    item = one_or_none(
        with_answers(
            ReviewItem.objects.filter(pk=item_pk, review_id=review_pk, review__plan=access.plan).select_related(
                "review", "measure__item__dimension", "follow_up_unit"
            )
        )
    )
    if item is None or not sees_item(access, item):
        raise Http404("找不到此列管項目。")
    return item


def require_answerer(access: PlanAccess, item: ReviewItem) -> None:
    """Only whoever reports for the 追蹤單位 answers; anyone else who reads it gets 403."""
    if item.follow_up_unit_id is None or not access.reports_for(item.follow_up_unit_id):
        raise PermissionDenied("只有追蹤單位可以填報辦理情形。")


def get_follow_up_file_for_user(access: PlanAccess, pk: int) -> FollowUpEvidence:
    found = one_or_none(
        FollowUpEvidence.objects.filter(pk=pk, answer__item__review__plan=access.plan).select_related("answer__item")
    )
    if found is None or not sees_item(access, found.answer.item):
        raise Http404("找不到此佐證資料。")
    return found
