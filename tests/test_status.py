"""The status logic, table by table, over its boundaries. Which reports count toward a summary (any sent report
for a month up to the as-of month, whenever it was sent) is the database's part: tests/test_report_months.py."""

from datetime import date

import pytest

from measures.status import (
    MeasureFacts,
    ReportSummary,
    Status,
    achievement_rate,
    deadline_label,
    due_month,
    measure_status,
    planned_for,
)

PLAN_START, PLAN_END = date(2017, 1, 1), date(2017, 12, 31)


def facts(**changes) -> MeasureFacts:
    values = dict(
        deadline=date(2017, 6, 30), ongoing=False, listed_on=PLAN_START, retired_on=None,
        plan_start=PLAN_START, plan_end=PLAN_END, lag_threshold=10, report_due_day=5, planned=(),
    )
    values.update(changes)
    return MeasureFacts(**values)


def reported(best: int | None = None, due: bool = False) -> ReportSummary:
    """The summary of the counted reports: the best progress, and whether the month due was reported."""
    return ReportSummary(best_progress=best, has_due_report=due)


def status_of(measure: MeasureFacts, summary: ReportSummary, as_of: date):
    result = measure_status(measure, summary, as_of)
    return None if result is None else result.status


@pytest.mark.parametrize(
    ("case", "measure", "summary", "as_of", "expected"),
    [
        ("nothing reported yet", facts(), reported(), date(2017, 3, 1), Status.NOT_STARTED),
        ("something reported", facts(), reported(30), date(2017, 3, 20), Status.IN_PROGRESS),
        ("100% before the deadline", facts(), reported(100), date(2017, 5, 20), Status.DONE),
        ("on the deadline day itself, not yet overdue", facts(), reported(80), date(2017, 6, 30), Status.IN_PROGRESS),
        ("the day after the deadline", facts(), reported(80), date(2017, 7, 1), Status.OVERDUE),
        ("complete stays complete after the deadline", facts(), reported(100), date(2017, 9, 1), Status.DONE),
        ("a dated measure is not asked for a monthly report", facts(), reported(30), date(2017, 5, 20), Status.IN_PROGRESS),
        ("listed after the as-of date: no status", facts(listed_on=date(2017, 6, 1)), reported(), date(2017, 5, 31), None),
        ("listed on the as-of date counts", facts(listed_on=date(2017, 5, 31)), reported(), date(2017, 5, 31), Status.NOT_STARTED),
        ("retired by then: no status", facts(retired_on=date(2017, 4, 1)), reported(), date(2017, 5, 31), None),
        ("retired later still counts", facts(retired_on=date(2017, 8, 1)), reported(), date(2017, 5, 31), Status.NOT_STARTED),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_deadline_measures(case, measure, summary, as_of, expected):
    assert status_of(measure, summary, as_of) == expected


@pytest.mark.parametrize(
    ("case", "summary", "as_of", "expected"),
    [
        ("before the first report is due", reported(), date(2017, 2, 4), Status.NOT_STARTED),
        ("January's report is due on 2/5: missing", reported(), date(2017, 2, 5), Status.REPORT_DUE),
        ("…and present", reported(10, due=True), date(2017, 2, 5), Status.IN_PROGRESS),
        ("reported but not the month due", reported(10), date(2017, 6, 5), Status.REPORT_DUE),
        ("due at the plan's end: on 12/31 not yet overdue", reported(90, due=True), date(2017, 12, 31), Status.IN_PROGRESS),
        ("the day after the plan's end, not complete: overdue", reported(90, due=True), date(2018, 1, 1), Status.OVERDUE),
        ("complete at the end", reported(100, due=True), date(2018, 1, 20), Status.DONE),
        ("nothing reported at all by mid-year", reported(), date(2017, 6, 30), Status.REPORT_DUE),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_undated_measures_report_every_month_and_are_due_at_the_plans_end(case, summary, as_of, expected):
    assert status_of(facts(deadline=None), summary, as_of) == expected


@pytest.mark.parametrize(
    ("case", "planned", "summary", "as_of", "expected"),
    [
        ("no planned progress set: never lagging", (), reported(1), date(2017, 5, 20), Status.IN_PROGRESS),
        ("exactly the threshold behind is lagging", ((date(2017, 5, 1), 50),), reported(40), date(2017, 5, 20), Status.LAGGING),
        ("one point less than the threshold is not", ((date(2017, 5, 1), 50),), reported(41), date(2017, 5, 20), Status.IN_PROGRESS),
        ("nothing reported against a plan is lagging", ((date(2017, 3, 1), 20),), reported(), date(2017, 4, 10), Status.LAGGING),
        ("the plan of the month applies from its first day",
         ((date(2017, 4, 1), 10), (date(2017, 5, 1), 60)), reported(20), date(2017, 4, 30), Status.IN_PROGRESS),
        ("…and on the first day of the next month",
         ((date(2017, 4, 1), 10), (date(2017, 5, 1), 60)), reported(20), date(2017, 5, 1), Status.LAGGING),
        ("a planned month later than the as-of date does not apply", ((date(2017, 9, 1), 80),), reported(), date(2017, 5, 31), Status.NOT_STARTED),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_lagging(case, planned, summary, as_of, expected):
    assert status_of(facts(deadline=date(2017, 12, 31), planned=planned), summary, as_of) == expected


@pytest.mark.parametrize(
    ("case", "summary", "as_of", "expected"),
    [
        ("before January's report is due nothing is", reported(), date(2017, 1, 31), Status.NOT_STARTED),
        ("January's report is due on 2/5", reported(), date(2017, 2, 5), Status.REPORT_DUE),
        ("…and present", reported(10, due=True), date(2017, 2, 5), Status.IN_PROGRESS),
        ("民國 year end: November's is the one due on 12/31", reported(90, due=True), date(2017, 12, 31), Status.IN_PROGRESS),
        ("December's is due on 1/5 of the next year", reported(90), date(2018, 1, 5), Status.REPORT_DUE),
        ("賡續辦理 never completes or goes overdue", reported(100, due=True), date(2018, 1, 20), Status.IN_PROGRESS),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_ongoing_measures(case, summary, as_of, expected):
    assert status_of(facts(deadline=None, ongoing=True), summary, as_of) == expected


def test_lagging_outranks_a_missing_report_and_overdue_outranks_lagging():
    planned = ((date(2017, 3, 1), 50),)
    assert status_of(facts(deadline=None, ongoing=True, planned=planned), reported(), date(2017, 3, 31)) == Status.LAGGING
    assert status_of(facts(deadline=date(2017, 3, 15), planned=planned), reported(), date(2017, 3, 31)) == Status.OVERDUE


@pytest.mark.parametrize(
    ("as_of", "due_day", "expected"),
    [
        (date(2017, 1, 31), 5, None),
        (date(2017, 2, 4), 5, None),
        (date(2017, 2, 5), 5, date(2017, 1, 1)),
        (date(2017, 3, 1), 5, date(2017, 1, 1)),
        (date(2017, 3, 1), 1, date(2017, 2, 1)),
        (date(2017, 6, 10), 10, date(2017, 5, 1)),
        (date(2017, 6, 9), 10, date(2017, 4, 1)),
        (date(2017, 12, 31), 5, date(2017, 11, 1)),
        (date(2018, 1, 5), 5, date(2017, 12, 1)),
        (date(2018, 3, 1), 5, date(2017, 12, 1)),
        (date(2016, 2, 29), 5, None),
    ],
)
def test_due_month(as_of, due_day, expected):
    assert due_month(as_of, PLAN_START, PLAN_END, due_day) == expected


def test_deadline_label_is_the_same_words_for_every_kind_of_deadline():
    assert deadline_label(None, True, PLAN_END) == "賡續辦理（每月填報）"
    assert deadline_label(date(2017, 5, 31), False, PLAN_END) == "106/05/31"
    assert deadline_label(None, False, PLAN_END) == "未訂（至計畫期末 106/12/31，每月填報）"
    status = measure_status(facts(deadline=None), reported(), date(2017, 3, 1))
    assert (status.deadline_label, status.effective_deadline) == ("未訂（至計畫期末 106/12/31，每月填報）", PLAN_END)


def test_planned_for_takes_the_latest_month_not_after_the_date():
    planned = [(date(2017, 6, 1), 60), (date(2017, 3, 1), 20)]
    assert planned_for(planned, date(2017, 2, 28)) is None
    assert planned_for(planned, date(2017, 3, 1)) == 20
    assert planned_for(planned, date(2017, 7, 31)) == 60


@pytest.mark.parametrize(
    ("actual", "target", "rate"),
    [(20, 20, 100.0), (5, 20, 25.0), (30, 20, 150.0), (None, 20, None), (5, 0, None), (5, None, None)],
)
def test_achievement_rate(actual, target, rate):
    assert achievement_rate(actual, target) == rate
