"""A unit's month sent in one submit: every row through `report_save`, all or nothing.

Each row names the report it was read with (None for a new one) and that report's version: a report someone
changed, sent, withdrew or reviewed since the page was opened is never overwritten; the row says so and nothing
of the submission is written. Evidence files the rows stored before a later row failed are removed again."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from diagnosis.models import Plan, Unit

from .models import Evidence, Indicator, Measure, ProgressReport
from .models.evidence import evidence_storage
from .report_writes import ReportStateError, check_period, check_year_open, report_save

CHANGED_MEANWHILE = "此筆填報在您開啟本頁後已有變動（他人修改、送出或審核），請重新整理後再填。"


@dataclass
class MonthRowInput:
    measure: Measure
    version: int  # the version of the month's report the page showed; 0 when it showed none
    narrative: str
    progress: int
    actuals: dict[Indicator, Decimal | None] = field(default_factory=dict)
    files: list = field(default_factory=list)  # [(upload, EvidenceFileInfo)]


class MonthSaveError(Exception):
    """Some rows could not be saved: their errors (Chinese) by measure id; nothing was written."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("、".join(errors.values()))
        self.errors = errors


def month_reports_save(
    *, plan: Plan, unit: Unit, month: date, user, rows: list[MonthRowInput], submit: bool
) -> list[ProgressReport]:
    """Save every row's report for `unit` and `month`, as drafts or sent (`submit`), or none of them.

    The plan's year must be open and the month within the plan (ReportStateError, for the whole page); a row
    whose report changed since it was read, or is accepted, or fails `report_save`, is named in MonthSaveError."""
    check_year_open(plan)
    check_period(plan, month)
    saved: list[ProgressReport] = []
    orphans: list[str] = []
    try:
        with transaction.atomic():
            current = {
                r.measure_id: r
                for r in ProgressReport.objects.select_for_update()
                .filter(unit_id=unit.pk, period=month, measure_id__in=[row.measure.pk for row in rows]).order_by()
            }
            errors = {row.measure.pk: message for row in rows if (message := _stale(row, current.get(row.measure.pk)))}
            if errors:
                raise MonthSaveError(errors)
            kept = set(Evidence.objects.filter(report__in=list(current.values())).values_list("file", flat=True)) \
                if any(row.files for row in rows) else set()
            try:
                for row in rows:
                    try:
                        saved.append(report_save(
                            measure=row.measure, unit=unit, period=month, user=user, narrative=row.narrative,
                            progress=row.progress, actuals=row.actuals, files=row.files, submit=submit,
                            report=current.get(row.measure.pk),
                        ))
                    except ReportStateError as error:
                        errors[row.measure.pk] = str(error)
                    except ValidationError as error:
                        errors[row.measure.pk] = "；".join(error.messages)
                if errors:
                    raise MonthSaveError(errors)
            except BaseException:
                orphans = _stored_since(saved, kept)
                raise
    except BaseException:
        storage = evidence_storage()
        for name in orphans:
            storage.delete(name)
        raise
    return saved


def _stale(row: MonthRowInput, now: ProgressReport | None) -> str:
    """Why the row cannot be saved over what is stored now; "" when it can."""
    if (now.version if now is not None else 0) != row.version:
        return CHANGED_MEANWHILE
    if now is not None and now.status == ProgressReport.Status.ACCEPTED:
        return "此填報已核可，不能再修改。"
    return ""


def _stored_since(saved: list[ProgressReport], kept: set[str]) -> list[str]:
    """Evidence files the saved rows added (about to be rolled back), to remove from storage afterwards."""
    if not saved:
        return []
    try:
        with transaction.atomic():
            names = Evidence.objects.filter(report__in=[r.pk for r in saved]).values_list("file", flat=True)
            return [name for name in names if name not in kept]
    except DatabaseError:
        return []
