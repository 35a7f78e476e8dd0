"""計畫設定: the rules a plan's year runs by, which 研考承辦 set — the 結算日, the 每月填報期限, the 落後門檻, the
電話禮貌測試及格分數 and the bureau's 書面資料送審期限 — and what changes with them.

The rules of a valid setting are written once (`plan_settings_errors`): the form shows them beside its fields,
and `plan_settings_save` refuses them for every other caller. A new 每月填報期限 changes which reports were sent
late: the plan's 逾時填報 marks are worked out again in the same transaction, in one UPDATE."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone

from diagnosis.models import Plan
from sq_portal.roc_dates import ROC_OFFSET, format_roc

from .forms.measure_forms import plan_months
from .models import ProgressReport

SETTINGS_FIELDS = ["closing_date", "report_due_day", "lag_threshold", "courtesy_pass_score", "submission_due"]
DUE_DAY_MAX = 28  # every month has it
CHANGES_SHOWN = 20


def plan_settings_errors(
    plan: Plan, *, closing_date: date | None, report_due_day: int | None, lag_threshold: int | None,
    courtesy_pass_score: int | None, submission_due: date | None = None,
) -> dict[str, str]:
    """What is wrong with these settings for `plan`, by field (Chinese); empty when they may be saved.
    A missing number (None) is left to the form's own 「必填」."""
    errors = {}
    if submission_due is not None and submission_due.year - ROC_OFFSET not in (plan.year, plan.year + 1):
        errors["submission_due"] = f"送審期限須在 {plan.year} 或 {plan.year + 1} 年內。"
    if closing_date is not None and closing_date < plan.end_date:
        errors["closing_date"] = f"結算日不可早於計畫執行期程迄日（{format_roc(plan.end_date)}）。"
    if report_due_day is not None and not 1 <= report_due_day <= DUE_DAY_MAX:
        errors["report_due_day"] = f"每月填報期限須為次月 1 至 {DUE_DAY_MAX} 日。"
    if lag_threshold is not None and not 1 <= lag_threshold <= 100:
        errors["lag_threshold"] = "落後門檻須為 1 至 100 個百分點。"
    if courtesy_pass_score is not None and not 0 <= courtesy_pass_score <= 100:
        errors["courtesy_pass_score"] = "及格分數應介於 0 到 100 之間。"
    return errors


@transaction.atomic
def plan_settings_save(
    *, plan: Plan, user, closing_date: date | None, report_due_day: int, lag_threshold: int, courtesy_pass_score: int,
    submission_due: date | None,
) -> Plan:
    """Set the plan's 結算日 (None: one month after its end), 每月填報期限, 落後門檻, 及格分數 and 送審期限, recorded in the
    plan's history as `user`'s. A 結算日 may reopen a closed year (研考承辦 decide so). ValidationError (by field,
    Chinese) and nothing written when a setting is not allowed (`plan_settings_errors`)."""
    values = {
        "closing_date": closing_date, "report_due_day": report_due_day, "lag_threshold": lag_threshold,
        "courtesy_pass_score": courtesy_pass_score, "submission_due": submission_due,
    }
    errors = plan_settings_errors(plan, **values)
    if errors:
        raise ValidationError(errors)
    stored = Plan.objects.select_for_update().get(pk=plan.pk)
    due_day_changed = stored.report_due_day != report_due_day
    for name, value in values.items():
        setattr(stored, name, value)
    stored._history_user = user
    stored.save(update_fields=SETTINGS_FIELDS)
    if due_day_changed:
        reports_lateness_recompute(stored)
    return stored


def reports_lateness_recompute(plan: Plan) -> int:
    """Mark each report of `plan` that was ever sent 逾時填報 exactly when its first sending fell after its month's
    due day (`Plan.is_late`, in SQL): one UPDATE whatever the number of reports. Returns the reports looked at."""
    cases = [
        When(period=month, first_submitted_at__gte=_first_moment_after(plan.report_due_on(month)), then=Value(True))
        for month in plan_months(plan)
    ]
    late = Case(*cases, default=Value(False), output_field=BooleanField())
    return ProgressReport.objects.filter(measure__plan=plan, first_submitted_at__isnull=False).update(sent_late=late)


def _first_moment_after(day: date) -> datetime:
    """Midnight (local time) that ends `day`: a sending at or after it was sent after `day`."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# ---------------------------------------------------------------- the settings' history, as the page lists it


@dataclass(frozen=True)
class SettingsChange:
    when: datetime
    user: object  # the user, or None (a change made by a command)
    changes: list[str]  # 「結算日：107/01/31 → 107/02/28」


def plan_settings_changes(plan: Plan) -> list[SettingsChange]:
    """The changes of the plan's settings, newest first (CHANGES_SHOWN of them): each saved version of the plan
    compared with the one saved before it, on the settings' fields only. One query (a plan has few versions)."""
    records = list(plan.history.select_related("history_user").order_by("history_id"))
    found = []
    for before, after in pairwise(records):
        changes = [
            f"{Plan._meta.get_field(name).verbose_name}：{_shown(plan, name, getattr(before, name))} → "
            f"{_shown(plan, name, getattr(after, name))}"
            for name in SETTINGS_FIELDS
            if getattr(before, name) != getattr(after, name)
        ]
        if changes:
            found.append(SettingsChange(when=after.history_date, user=after.history_user, changes=changes))
    return found[::-1][:CHANGES_SHOWN]


def _shown(plan: Plan, name: str, value) -> str:
    if name == "closing_date":
        return format_roc(value) if value else f"未設（{format_roc(plan.default_closes_on)}）"
    if name == "submission_due":
        return format_roc(value) if value else "未訂"
    if name == "report_due_day":
        return f"次月 {value} 日"
    return f"{value} 分" if name == "courtesy_pass_score" else f"{value} 個百分點"
