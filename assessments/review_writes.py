"""Service functions of the 定期管制考核: open a review with its proposed items, record decisions, close it."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from diagnosis.models import Plan
from measures.progress import PlanProgress

from .courtesy_writes import latest_courtesy_tests
from .models import ControlReview, ReviewCourtesyItem, ReviewItem

State = ControlReview.State


class ReviewError(Exception):
    """The review cannot do this now; the message says why, in Chinese."""


ALREADY_OPEN = "此計畫已有進行中的管制考核，請先結案再開新的一次。"


def _open_review_exists(plan: Plan) -> bool:
    return ControlReview.objects.filter(plan=plan, state=State.OPEN).exists()


@transaction.atomic
def review_open(*, plan: Plan, as_of: date, meeting_date: date, title: str, user) -> ControlReview:
    """Open a review as of `as_of`: every measure then 逾期, 落後 or 待填報, and every one the last closed
    review kept under control (繼續列管), whatever its status is now; likewise every unit whose latest
    電話禮貌測試 since the last closed review (or the plan's start) scored below the plan's pass score, and
    every unit the last review kept under control for it."""
    if _open_review_exists(plan):
        raise ReviewError(ALREADY_OPEN)
    previous = ControlReview.objects.filter(plan=plan, state=State.CLOSED).order_by("-as_of", "-pk").first()
    carried = {}
    if previous is not None:
        carried = {
            item.measure_id: item
            for item in previous.items.filter(decision=ReviewItem.Decision.KEEP)
        }
    progress = PlanProgress.counts(plan, as_of)
    review = ControlReview(
        plan=plan, as_of=as_of, meeting_date=meeting_date, title=title, previous=previous, created_by=user
    )
    review._history_user = user
    review.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Another review of this plan was opened between the check above and this save.
        raise ReviewError(ALREADY_OPEN) from None
    items = []
    for measure in progress.measures:
        status = progress.status.get(measure.pk)
        kept = carried.get(measure.pk)
        flagged = status is not None and status.status.needs_control
        if not flagged and kept is None:
            continue
        items.append(
            ReviewItem(
                review=review,
                measure_id=measure.pk,
                origin=ReviewItem.Origin.CARRIED if kept else ReviewItem.Origin.PROPOSED,
                status_label=str(status.status) if status else "已停用",
                progress=status.progress if status else None,
                planned=status.planned if status else None,
                # The unit that follows it up: the one named last time, else the measure's first 主辦, else the
                # first that carries it (the precinct itself for what nobody below it carries).
                follow_up_unit_id=kept.follow_up_unit_id if kept else _first_responsible(measure, progress),
            )
        )
    ReviewItem.objects.bulk_create(items)
    ReviewCourtesyItem.objects.bulk_create(_courtesy_items(review, plan, previous, as_of))
    return review


def _first_responsible(measure, progress) -> int | None:
    carriers = progress.carriers.get(measure.pk) or []
    return next(iter(measure.lead_unit_ids), None) or (carriers[0].pk if carriers else None)


def _courtesy_items(review: ControlReview, plan: Plan, previous: ControlReview | None, as_of: date) -> list:
    """Units below the pass score in their latest test, unless the previous review already saw that test, and
    units the previous review kept under control (with their latest test since, if any, else the test they were
    listed with)."""
    kept = {}
    if previous is not None:
        kept = {
            item.unit_id: item
            for item in previous.courtesy_items.filter(decision=ReviewItem.Decision.KEEP).select_related("courtesy_test__unit")
        }
    latest = latest_courtesy_tests(plan, until=as_of, unseen_by=previous)
    items = []
    for unit_id, test in latest.items():
        if unit_id in kept or test.score < plan.courtesy_pass_score:
            items.append((test, ReviewCourtesyItem.Origin.CARRIED if unit_id in kept else ReviewCourtesyItem.Origin.PROPOSED))
    items += [(item.courtesy_test, ReviewCourtesyItem.Origin.CARRIED) for unit_id, item in kept.items() if unit_id not in latest]
    items.sort(key=lambda pair: (pair[0].unit.path, pair[0].unit_id))
    return [
        ReviewCourtesyItem(
            review=review, unit_id=test.unit_id, courtesy_test=test, origin=origin, pass_score=plan.courtesy_pass_score
        )
        for test, origin in items
    ]


@transaction.atomic
def review_items_save(
    *, review: ControlReview, items: list[ReviewItem], courtesy_items: list[ReviewCourtesyItem] = (), user
) -> None:
    """Save the findings, actions, follow-ups and decisions staff entered for the items of an open review
    (its measures and its 電話禮貌測試 units)."""
    review = ControlReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise ReviewError("此管制考核已結案，不能再修改。")
    for item in items:
        if item.review_id != review.pk:
            raise ReviewError("管制項目不屬於此次管制考核。")
        item._history_user = user
        item.full_clean()
        item.save()
    for item in courtesy_items:
        if item.review_id != review.pk:
            raise ReviewError("管制項目不屬於此次管制考核。")
        item._history_user = user
        item.full_clean()
        item.save()


@transaction.atomic
def review_close(*, review: ControlReview, user) -> ControlReview:
    """結案: every item must have its decision; what is kept under control starts the next review."""
    review = ControlReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise ReviewError("此管制考核已結案。")
    undecided = list(review.items.filter(decision="").select_related("measure").values_list("measure__name", flat=True))
    undecided += [
        f"{name}電話禮貌測試"
        for name in review.courtesy_items.filter(decision="").order_by("pk").values_list("unit__name", flat=True)
    ]
    if undecided:
        names = "、".join(undecided[:5]) + ("等" if len(undecided) > 5 else "")
        raise ReviewError(f"尚有 {len(undecided)} 項未決議（{names}），請先決定繼續列管或解除列管。")
    review.state = State.CLOSED
    review.closed_at = timezone.now()
    review._history_user = user
    review.save(update_fields=["state", "closed_at"])
    return review
