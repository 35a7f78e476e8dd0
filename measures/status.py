"""A measure's progress status as of a date: computed here, and only here, for every page and command.

Statuses, in the order they take precedence:
- 已完成: reported progress has reached 100% (never for 賡續辦理, which has no end);
- 逾期: the deadline (or, without one, the plan's last day) has passed and it is not complete;
- 落後: reported progress is below the planned progress for the as-of month by the plan's threshold or more;
- 待填報: a measure that expects a report every month (賡續辦理, or without a deadline) lacks the report of the
  latest month due;
- 執行中: something has been reported;
- 未開始: nothing reported yet.
A measure listed after the as-of date, or retired by then, has no status (None): it did not count then.

The report for a month is due on the plan's 每月填報期限 of the next month (Plan.report_due_on): with the
default, May's report is due on 6/5. A report counts toward its month whenever it was sent, so a page as of
106/05/31 shows May with everything reported for it so far, a late-filed report included (progress.py reads
the reports; the 管制考核 keeps what it saw on its own day).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from sq_portal.roc_dates import format_roc

ONGOING_LABEL = "賡續辦理"


class Status(StrEnum):
    DONE = "已完成"
    OVERDUE = "逾期"
    LAGGING = "落後"
    REPORT_DUE = "待填報"
    IN_PROGRESS = "執行中"
    NOT_STARTED = "未開始"

    @property
    def css(self) -> str:
        return STATUS_CSS[self]

    @property
    def needs_control(self) -> bool:
        """What the 管制考核 proposes: overdue, lagging, or a report missing."""
        return self in (Status.OVERDUE, Status.LAGGING, Status.REPORT_DUE)


STATUS_ORDER = [Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.REPORT_DUE, Status.LAGGING, Status.OVERDUE]
STATUS_CSS = {
    Status.DONE: "done",
    Status.IN_PROGRESS: "progress",
    Status.NOT_STARTED: "not-started",
    Status.REPORT_DUE: "due",
    Status.LAGGING: "lagging",
    Status.OVERDUE: "overdue",
}


@dataclass(frozen=True)
class MeasureFacts:
    """What the status of one measure depends on, loaded by the caller."""

    deadline: date | None
    ongoing: bool
    listed_on: date | None
    retired_on: date | None
    plan_start: date
    plan_end: date
    lag_threshold: int
    report_due_day: int  # Plan.report_due_day
    planned: tuple[tuple[date, int], ...] = ()  # (month start, cumulative %), any order


class ReportSummary(NamedTuple):
    """What the status needs of the reports counted as of the date (see `summarize`). A plan's progress keeps
    a status per distinct summary of each measure, with the summary as the key: as a tuple its hash is
    C's (as a frozen dataclass, a Python __hash__ ran some 1,000 times per plan dashboard)."""

    best_progress: int | None = None
    has_due_report: bool = False  # a report for the month due, or a later one


@dataclass(frozen=True)
class MeasureStatus:
    status: Status
    progress: int | None  # best cumulative progress reported as of the date
    planned: int | None  # planned cumulative progress for the as-of month
    due_month: date | None  # the month whose report is due as of the date (measures reported monthly)
    effective_deadline: date | None
    deadline_label: str = ""  # the deadline in the same words on every page (`deadline_label`)

    @property
    def gap(self) -> int | None:
        if self.planned is None:
            return None
        return self.planned - (self.progress or 0)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), 12 if month.month == 1 else month.month - 1, 1)


def add_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def due_month(as_of: date, plan_start: date, plan_end: date, report_due_day: int) -> date | None:
    """The latest month of the plan whose report is due as of `as_of`: a month's report is due on
    `report_due_day` of the next month. None before the first is due."""
    month = previous_month(month_start(as_of))
    if as_of.day < report_due_day:
        month = previous_month(month)
    month = min(month, month_start(plan_end))
    return month if month >= month_start(plan_start) else None


def deadline_label(deadline: date | None, ongoing: bool, plan_end: date) -> str:
    """完成期限 in the same words on every page: 賡續辦理, a date, or (undated) due at the plan's end."""
    if ongoing:
        return f"{ONGOING_LABEL}（每月填報）"
    if deadline is None:
        return f"未訂（至計畫期末 {format_roc(plan_end)}，每月填報）"
    return format_roc(deadline)


def planned_for(planned: Iterable[tuple[date, int]], as_of: date) -> int | None:
    """Planned cumulative progress for the as-of month: the latest planned month not after it."""
    current = month_start(as_of)
    candidates = [(month, percent) for month, percent in planned if month <= current]
    return max(candidates)[1] if candidates else None


class StatusBasis(NamedTuple):
    """What one measure's status as of a date takes from its facts alone, whatever its reports say
    (`status_basis`): a plan's progress reads it once per measure, then asks `status_from` once per distinct
    summary of the units' reports (most often one or two)."""

    ongoing: bool
    planned: int | None  # planned cumulative progress for the as-of month
    deadline: date | None  # the effective deadline (None for 賡續辦理)
    due: date | None  # the month whose report is due (measures reported monthly only)
    report_due: bool  # a report is due as of the date: reported monthly, a due month, and the plan has begun
    lag_threshold: int
    deadline_label: str


def status_basis(facts: MeasureFacts, as_of: date) -> StatusBasis | None:
    """The part of `measure_status` that does not depend on the reports; None when the measure is not listed
    as of `as_of` (not yet listed, or retired)."""
    if facts.listed_on is not None and as_of < facts.listed_on:
        return None
    if facts.retired_on is not None and facts.retired_on <= as_of:
        return None
    monthly = facts.ongoing or facts.deadline is None  # 賡續辦理 and undated measures report every month
    due = due_month(as_of, facts.plan_start, facts.plan_end, facts.report_due_day) if monthly else None
    return StatusBasis(
        ongoing=facts.ongoing,
        planned=planned_for(facts.planned, as_of),
        deadline=None if facts.ongoing else (facts.deadline or facts.plan_end),
        due=due,
        report_due=due is not None and as_of >= facts.plan_start,
        lag_threshold=facts.lag_threshold,
        deadline_label=deadline_label(facts.deadline, facts.ongoing, facts.plan_end),
    )


def status_from(basis: StatusBasis, summary: ReportSummary, as_of: date) -> MeasureStatus:
    """The status of a listed measure with `basis`, given the summary of whichever units' reports the caller chose."""
    progress, planned, deadline = summary.best_progress, basis.planned, basis.deadline
    if not basis.ongoing and progress is not None and progress >= 100:
        status = Status.DONE
    elif deadline is not None and as_of > deadline:
        status = Status.OVERDUE
    elif planned is not None and (progress or 0) <= planned - basis.lag_threshold:
        status = Status.LAGGING
    elif basis.report_due and not summary.has_due_report:
        status = Status.REPORT_DUE
    elif progress is not None:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    return MeasureStatus(
        status=status, progress=progress, planned=planned, due_month=basis.due, effective_deadline=deadline,
        deadline_label=basis.deadline_label,
    )


def measure_status(facts: MeasureFacts, summary: ReportSummary, as_of: date) -> MeasureStatus | None:
    """The status of one measure as of `as_of`, from the summary of whichever units' reports the caller chose."""
    basis = status_basis(facts, as_of)
    return None if basis is None else status_from(basis, summary, as_of)


def achievement_rate(actual, target) -> float | None:
    """達成率 = actual / target, as a percentage; None when there is no target or no actual."""
    if actual is None or target is None or target == 0:
        return None
    return float(actual) / float(target) * 100
