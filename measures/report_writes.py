"""Service functions for monthly progress reports, their indicator values and evidence files.

Every write runs under one transaction. Evidence files are written before their rows and removed again
if the transaction does not commit, so the database and the evidence folder never disagree."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from diagnosis.models import Membership, Unit
from sq_portal.roc_dates import format_roc

from .evidence_files import EvidenceFileInfo
from .models import Evidence, Indicator, IndicatorActual, Measure, ProgressReport
from .models.evidence import evidence_storage
from .row_sync import sync_rows
from .status import month_start

Status = ProgressReport.Status


class ReportStateError(Exception):
    """The report is not in a state that allows this (e.g. already accepted); the message is Chinese."""


def _lock(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update().get(pk=report.pk)


def check_year_open(plan) -> None:
    """Reports of a plan change until its 結算日 (December's are filed in January); after it the year is closed."""
    if plan.is_closed():
        raise ReportStateError(f"本年度計畫已於 {format_roc(plan.closes_on)} 結算，填報不能再新增、修改或審核。")


def sent_by_self(report: ProgressReport, user) -> bool:
    """Nobody approves their own work: 研考承辦 who reported for the organisation ask a colleague."""
    return report.submitted_by_id == user.pk and not user.is_superuser


def check_period(plan, period: date) -> None:
    if not (month_start(plan.start_date) <= period <= plan.end_date) or period.day != 1:
        raise ReportStateError(
            f"填報月份 {format_roc(period, 'month')} 不在計畫執行期程（{format_roc(plan.start_date)}至{format_roc(plan.end_date)}）內。"
        )


def report_save(
    *,
    measure: Measure,
    unit: Unit,
    period: date,
    user,
    narrative: str,
    progress: int,
    actuals: dict[Indicator, Decimal | None],
    files: Iterable[tuple[object, EvidenceFileInfo]] = (),
    submit: bool,
    report: ProgressReport | None = None,
) -> ProgressReport:
    """Create or change a unit's report for a month, as a draft or sent to staff (`submit`).

    An accepted report cannot change. Sending again after staff returned it clears the review. The first sending
    is kept, and marks the report 逾時填報 when it came after the month's due day (Plan.report_due_on)."""
    check_year_open(measure.plan)
    check_period(measure.plan, period)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if report is None:
                report = ProgressReport(measure=measure, unit=unit, period=period)
            else:
                report = _lock(report)
                if report.status == Status.ACCEPTED:
                    raise ReportStateError("此填報已核可，不能再修改。")
                report.version += 1
            report.narrative = narrative
            report.progress = progress
            if submit:
                report.status = Status.SUBMITTED
                report.submitted_by = user
                report.submitted_at = timezone.now()
                if report.first_submitted_at is None:
                    report.first_submitted_at = report.submitted_at
                    report.sent_late = measure.plan.is_late(period, report.submitted_at)
            elif report.status != Status.RETURNED:
                report.status = Status.DRAFT
            report._history_user = user
            report.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                # Two submissions for the same unit and month at once: the second one loses, cleanly.
                raise ReportStateError(f"{unit.name}該月份已有填報，請重新整理後編修該筆填報。") from None
            _save_actuals(report, actuals, user)
            storage = evidence_storage()
            for upload, info in files:
                name = storage.save(Evidence.storage_name(info.extension), upload)
                stored.append(name)
                evidence = Evidence(report=report, uploaded_by=user, **info.stored_as(name))
                evidence._history_user = user
                evidence.save()
    except BaseException:
        storage = evidence_storage()
        for name in stored:
            storage.delete(name)
        raise
    return report


def _save_actuals(report: ProgressReport, actuals: dict[Indicator, Decimal | None], user) -> None:
    sync_rows(
        existing={a.indicator_id: a for a in IndicatorActual.objects.filter(report=report)},
        wanted={indicator.pk: value for indicator, value in actuals.items()},
        build=lambda indicator_id, value: IndicatorActual(report=report, indicator_id=indicator_id, value=value),
        field="value",
        user=user,
    )


@transaction.atomic
def report_withdraw(*, report: ProgressReport, user) -> ProgressReport:
    """撤回: a sent or returned report goes back to the unit as a draft."""
    report = _lock(report)
    check_year_open(report.measure.plan)
    if report.status == Status.ACCEPTED:
        raise ReportStateError("此填報已核可，不能撤回。")
    if report.status == Status.DRAFT:
        raise ReportStateError("此填報尚未送出。")
    report.status = Status.DRAFT
    report.version += 1
    report._history_user = user
    report.save(update_fields=["status", "version", "updated_at"])
    return report


def check_deletable(report: ProgressReport) -> None:
    """Only a draft of an open year is deleted (ReportStateError with the reason): the service's rule, and the
    confirmation page's."""
    check_year_open(report.measure.plan)
    if report.status != Status.DRAFT:
        raise ReportStateError("只能刪除草稿；已送出的填報請先撤回。")


def report_delete(*, report: ProgressReport, user) -> None:
    """Delete a draft and, once the deletion has committed, its evidence files."""
    with transaction.atomic():
        report = _lock(report)
        check_deletable(report)
        names = list(report.evidence.values_list("file", flat=True))
        report._history_user = user
        report.delete()
        transaction.on_commit(lambda: [evidence_storage().delete(name) for name in names])


@transaction.atomic
def report_review(*, report: ProgressReport, user, accept: bool, comment: str) -> ProgressReport:
    """核可 or 退回 a sent report, with the reviewer's comment."""
    report = _lock(report)
    check_year_open(report.measure.plan)
    if report.status != Status.SUBMITTED:
        raise ReportStateError("只能審核已送出的填報。")
    if sent_by_self(report, user):
        raise PermissionDenied("不能審核自己送出的填報。")
    if user.memberships.filter(unit_id=report.unit_id, role=Membership.Role.HEAD).exists() and not user.is_superuser:
        raise PermissionDenied("不能審核自己單位的填報。")
    report.status = Status.ACCEPTED if accept else Status.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.version += 1
    report._history_user = user
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "version", "updated_at"])
    return report


def evidence_delete(*, evidence: Evidence, user) -> None:
    """Remove one evidence file from a report that is not yet accepted; the file goes once the row has."""
    with transaction.atomic():
        report = _lock(evidence.report)
        check_year_open(report.measure.plan)
        if report.status == Status.ACCEPTED:
            raise ReportStateError("此填報已核可，佐證資料不能刪除。")
        name = evidence.file.name
        evidence._history_user = user
        evidence.delete()
        transaction.on_commit(lambda: evidence_storage().delete(name))


@dataclass(frozen=True)
class BatchReview:
    """What `reports_review_batch` did: the reports decided, and those skipped with the reason (Chinese)."""

    decided: list[ProgressReport]
    skipped: list[tuple[ProgressReport, str]]


@transaction.atomic
def reports_review_batch(*, reports: Iterable[ProgressReport], user, accept: bool, comment: str) -> BatchReview:
    """核可 (or 退回) several sent reports at once, each through `report_review`. A report that is no longer
    sent (decided by someone else meanwhile, or withdrawn) or that the user may not review (their own) is
    skipped and named; the others are decided. Anything else that fails undoes the whole batch."""
    decided, skipped = [], []
    for report in reports:
        try:
            decided.append(report_review(report=report, user=user, accept=accept, comment=comment))
        except (ReportStateError, PermissionDenied) as error:
            skipped.append((report, _skip_reason(report, error)))
    return BatchReview(decided, skipped)


def _skip_reason(report: ProgressReport, error: Exception) -> str:
    current = ProgressReport.objects.select_related("reviewed_by").get(pk=report.pk)
    if current.status in (Status.ACCEPTED, Status.RETURNED) and current.reviewed_by is not None:
        name = current.reviewed_by.get_full_name() or current.reviewed_by.get_username()
        return f"已由{name}{current.get_status_display()}"
    if current.status == Status.DRAFT:
        return "填報單位已撤回"
    return str(error)
