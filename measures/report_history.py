"""A report's review history, read from its simple-history records (one query): sent, returned with the
comment, sent again, withdrawn, approved, in the order they happened. Saving a draft is not a review step."""

from dataclasses import dataclass
from datetime import datetime

from .models import ProgressReport

Status = ProgressReport.Status


@dataclass(frozen=True)
class ReviewEvent:
    action: str  # 送出, 再送出, 退回, 核可, 撤回
    when: datetime
    who: object  # the user, or None when the record names nobody
    comment: str = ""


def review_history(report: ProgressReport) -> list[ReviewEvent]:
    records = (
        report.history.select_related("history_user")
        .order_by("history_date", "history_id")
        .only("status", "submitted_at", "reviewed_at", "review_comment", "history_date", "history_user")
    )
    events: list[ReviewEvent] = []
    previous = None
    for record in records:
        event = _event(previous, record, sent_before=any(e.action in ("送出", "再送出") for e in events))
        if event is not None:
            events.append(event)
        previous = record
    return events


def _event(previous, record, *, sent_before: bool) -> ReviewEvent | None:
    status, who = record.status, record.history_user
    if status == Status.SUBMITTED and (
        previous is None or previous.status != Status.SUBMITTED or previous.submitted_at != record.submitted_at
    ):
        return ReviewEvent("再送出" if sent_before else "送出", record.submitted_at or record.history_date, who)
    if status in (Status.RETURNED, Status.ACCEPTED) and (previous is None or previous.status != status):
        action = "退回" if status == Status.RETURNED else "核可"
        return ReviewEvent(action, record.reviewed_at or record.history_date, who, record.review_comment)
    if status == Status.DRAFT and previous is not None and previous.status != Status.DRAFT:
        return ReviewEvent("撤回", record.history_date, who)
    return None
