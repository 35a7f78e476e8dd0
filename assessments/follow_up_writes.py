"""Service function of 列管追蹤: the 追蹤單位 answers an item kept under control with 辦理情形 and evidence."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from measures.evidence_files import EvidenceFileInfo
from measures.models.evidence import evidence_storage

from .follow_ups import is_open_follow_up, latest_closed_review
from .models import FollowUpAnswer, FollowUpEvidence, ReviewItem


class FollowUpError(Exception):
    """The follow-up cannot be answered now; the message says why, in Chinese."""


def follow_up_answer(
    *, item: ReviewItem, user, text: str, files: Iterable[tuple[object, EvidenceFileInfo]] = ()
) -> FollowUpAnswer:
    """Record (or change) the answer to an open follow-up and add its files: all of it or nothing. Files are
    written before their rows and removed again if the transaction does not commit."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            item = ReviewItem.objects.select_for_update().select_related("review__plan").get(pk=item.pk)
            if not is_open_follow_up(item, latest_closed_review(item.review.plan)):
                raise FollowUpError("此項目已不在列管中（已解除列管或已有新的管制考核結案），不能再填報辦理情形。")
            answer = FollowUpAnswer.objects.filter(item=item).first() or FollowUpAnswer(item=item)
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
                evidence = FollowUpEvidence(
                    answer=answer, file=name, original_name=info.original_name, content_type=info.content_type,
                    size=info.size, sha256=info.sha256, uploaded_by=user,
                )
                evidence._history_user = user
                evidence.save()
    except BaseException:
        storage = evidence_storage()
        for name in stored:
            storage.delete(name)
        raise
    return answer
