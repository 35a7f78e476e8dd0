"""Service functions of 列管追蹤: the 追蹤單位 answers an item kept under control (a measure's or a 電話禮貌測試's)
with 辦理情形 and evidence, and removes a file of its answer while the follow-up is open."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from measures.evidence_files import EvidenceFileInfo
from measures.models.evidence import evidence_storage

from .follow_ups import closed_reason, is_open_follow_up, latest_closed_review
from .models import FollowUpAnswer, FollowUpEvidence, ReviewCourtesyItem, ReviewItem


class FollowUpError(Exception):
    """The follow-up cannot be answered now; the message says why, in Chinese."""


def lock_open(item: ReviewItem | ReviewCourtesyItem) -> ReviewItem | ReviewCourtesyItem:
    """The item, locked, when it still takes answers: kept under control by the latest closed review, in a year
    not yet closed (`closed_reason`). FollowUpError otherwise."""
    item = type(item).objects.select_for_update().select_related("review__plan").get(pk=item.pk)
    closed = closed_reason(item.review.plan)
    if closed:
        raise FollowUpError(closed)
    if not is_open_follow_up(item, latest_closed_review(item.review.plan)):
        raise FollowUpError("此項目已不在列管中（已解除列管或已有新的管制考核結案），不能再填報辦理情形。")
    return item


def follow_up_answer(
    *, item: ReviewItem | ReviewCourtesyItem, user, text: str, files: Iterable[tuple[object, EvidenceFileInfo]] = ()
) -> FollowUpAnswer:
    """Record (or change) the answer to an open follow-up and add its files: all of it or nothing. Files are
    written before their rows and removed again if the transaction does not commit."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            item = lock_open(item)
            answered = {item.answer_field: item}
            answer = FollowUpAnswer.objects.filter(**answered).first() or FollowUpAnswer(**answered)
            answer.text = text
            answer.answered_by = user
            answer.answered_at = timezone.now()
            answer._history_user = user
            answer.full_clean(validate_unique=False)
            answer.save()
            storage = evidence_storage()
            for upload, info in files:
                name = storage.save(FollowUpEvidence.storage_name(info.extension), upload)
                stored.append(name)
                evidence = FollowUpEvidence(answer=answer, uploaded_by=user, **info.stored_as(name))
                evidence._history_user = user
                evidence.save()
    except BaseException:
        storage = evidence_storage()
        for name in stored:
            storage.delete(name)
        raise
    return answer


def follow_up_file_delete(*, evidence: FollowUpEvidence, user) -> None:
    """Remove one file of an answer while its follow-up is open (`lock_open`); the row's history keeps who
    removed it and when, and the stored file goes once the removal has committed."""
    with transaction.atomic():
        lock_open(evidence.answer.followed)
        name = evidence.file.name
        evidence._history_user = user
        evidence.delete()
        transaction.on_commit(lambda: evidence_storage().delete(name))
