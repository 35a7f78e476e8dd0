"""Deadline reminders, as the 公文系統 sends them: a day before a deadline, once when a measure becomes
overdue, once when a monthly report is missing, once when a follow-up (列管追蹤) is due tomorrow or overdue
without an answer. Each unit head and the 研考 staff get one e-mail per run
listing what is new for them; every item sent is recorded, so running again sends nothing twice."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q

from diagnosis.models import Membership, Plan, Unit
from measures.progress import PlanProgress
from measures.status import Status
from sq_portal.roc_dates import format_roc

from .follow_ups import latest_closed_review
from .models import ReminderLog, ReviewCourtesyItem, ReviewItem

Kind = ReminderLog.Kind


@dataclass(frozen=True)
class ReminderItem:
    kind: str
    measure_id: int | None  # None for a 電話禮貌測試 follow-up, which names `courtesy_item_id` instead
    unit_id: int | None
    key_date: date
    text: str
    courtesy_item_id: int | None = None

    @property
    def key(self) -> tuple:
        """What makes it the same reminder as one already sent (with the recipient): `ReminderLog`'s unique keys."""
        return (self.kind, self.measure_id, self.courtesy_item_id, self.key_date)


@dataclass(frozen=True)
class ReminderRunResult:
    emails: int
    items: int
    recipients: list[str]


def _emails_by_unit(plan: Plan) -> tuple[dict[int, set[str]], set[str]]:
    """Unit heads' e-mails by unit, and the e-mails of the plan's own 研考承辦 (`PlanAccess.own_staff`: the bureau's
    staff above it do not follow a precinct's deadlines)."""
    heads: dict[int, set[str]] = defaultdict(set)
    staff: set[str] = set()
    organization = plan.organization
    memberships = Membership.objects.filter(user__is_active=True).exclude(user__email="").select_related("user", "unit")
    for membership in memberships.filter(unit__path__startswith=organization.path, role=Membership.Role.HEAD):
        heads[membership.unit_id].add(membership.user.email)
    for membership in memberships.filter(unit_id=organization.pk, role=Membership.Role.STAFF):
        staff.add(membership.user.email)
    return heads, staff


def reminders_due(plan: Plan, as_of: date) -> dict[str, list[ReminderItem]]:
    """Everything each recipient should be reminded of as of `as_of`, before removing what was already sent."""
    progress = PlanProgress.load(plan, as_of)
    heads, staff = _emails_by_unit(plan)
    wanted: dict[str, list[ReminderItem]] = defaultdict(list)

    def tell(emails, item):
        for email in emails:
            wanted[email].append(item)

    for measure in progress.measures:
        status = progress.status.get(measure.pk)
        if status is None:
            continue
        carriers: list[Unit] = progress.carriers[measure.pk]
        carrier_heads = set().union(*(heads.get(u.pk, set()) for u in carriers)) if carriers else set()
        deadline = status.effective_deadline
        if deadline is not None and status.status != Status.DONE:
            if deadline == as_of + timedelta(days=1):
                item = ReminderItem(Kind.DEADLINE_TOMORROW, measure.pk, None, deadline,
                                    f"「{measure.name}」明天（{format_roc(deadline)}）到期，目前進度 {status.progress or 0}%。")
                tell(carrier_heads | staff, item)
            if status.status == Status.OVERDUE:
                item = ReminderItem(Kind.OVERDUE, measure.pk, None, deadline,
                                    f"「{measure.name}」已於 {format_roc(deadline)} 逾期，目前進度 {status.progress or 0}%。")
                tell(carrier_heads | staff, item)
        if status.due_month is not None:  # a measure reported monthly (賡續辦理 or undated) with a month due
            missing = [u for u in carriers if not progress.summaries.get((measure.pk, u.pk)) or
                       not progress.summaries[(measure.pk, u.pk)].has_due_report]
            month = format_roc(status.due_month, "month")
            for unit in missing:
                tell(heads.get(unit.pk, set()), ReminderItem(
                    Kind.REPORT_MISSING, measure.pk, unit.pk, status.due_month,
                    f"「{measure.name}」尚未填報{month}的執行情形（{unit.name}）。"))
            if missing:
                names = "、".join(u.name for u in missing[:8]) + ("等" if len(missing) > 8 else "")
                tell(staff, ReminderItem(
                    Kind.REPORT_MISSING, measure.pk, None, status.due_month,
                    f"「{measure.name}」{month}尚有 {len(missing)} 個單位未填報：{names}。"))
    for item in _follow_ups_due(plan, as_of):
        due = format_roc(item.follow_up_due)
        when = "明天到期" if item.follow_up_due > as_of else f"已於 {due} 逾期"
        courtesy = isinstance(item, ReviewCourtesyItem)
        tell(heads.get(item.follow_up_unit_id, set()) | staff, ReminderItem(
            Kind.FOLLOW_UP, None if courtesy else item.measure_id, item.follow_up_unit_id, item.follow_up_due,
            f"「{item.follow_up_title}」列管追蹤（{item.follow_up_unit.name}）{when}（追蹤期限 {due}），尚未填報辦理情形。",
            courtesy_item_id=item.pk if courtesy else None))
    return wanted


def _follow_ups_due(plan: Plan, as_of: date) -> list[ReviewItem | ReviewCourtesyItem]:
    """The latest closed review's 繼續列管 items (measures and 電話禮貌測試) due by tomorrow that their 追蹤單位 has
    not answered."""
    review = latest_closed_review(plan)
    if review is None:
        return []
    due = {"decision": ReviewItem.Decision.KEEP, "follow_up_due__lte": as_of + timedelta(days=1), "answer__isnull": True}
    measures = review.items.filter(follow_up_unit__isnull=False, **due).select_related("measure", "follow_up_unit")
    courtesy = review.courtesy_items.filter(**due).select_related("unit", "courtesy_test")
    return sorted([*measures, *courtesy], key=lambda item: (item.follow_up_due, isinstance(item, ReviewCourtesyItem), item.pk))


def send_reminders(plan: Plan, as_of: date, *, dry_run: bool = False) -> ReminderRunResult:
    """Send what is due and not yet sent; record each item once it is sent."""
    wanted = reminders_due(plan, as_of)
    sent_keys = set(
        ReminderLog.objects.filter(Q(measure__plan=plan) | Q(courtesy_item__review__plan=plan), recipient__in=list(wanted))
        .values_list("kind", "measure_id", "courtesy_item_id", "key_date", "recipient")
    )
    emails = items = 0
    recipients = []
    for recipient, candidates in sorted(wanted.items()):
        new = [i for i in candidates if (*i.key, recipient) not in sent_keys]
        if not new:
            continue
        recipients.append(recipient)
        if dry_run:
            emails += 1
            items += len(new)
            continue
        body = "\n".join(
            [f"{plan.title}（檢視基準日 {format_roc(as_of)}）：", ""]
            + [f"・{i.text}" for i in new]
            + ["", "請登入服務品質管考平台查看與填報。"]
        )
        try:
            with transaction.atomic():
                ReminderLog.objects.bulk_create(
                    ReminderLog(
                        kind=i.kind, measure_id=i.measure_id, courtesy_item_id=i.courtesy_item_id, unit_id=i.unit_id,
                        key_date=i.key_date, recipient=recipient,
                    )
                    for i in new
                )
                # Sent inside the transaction: if the mail server refuses, nothing is recorded and the next run retries.
                send_mail(
                    subject=f"【服務品質管考】{plan.year} 年度計畫提醒（{len(new)} 項）",
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[recipient],
                )
        except IntegrityError:
            continue  # another run recorded these a moment ago
        emails += 1
        items += len(new)
    return ReminderRunResult(emails=emails, items=items, recipients=recipients)
