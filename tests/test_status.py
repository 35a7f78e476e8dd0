"""The status logic, table by table, over its boundaries."""

from datetime import date

import pytest

from measures.status import (
    MeasureFacts,
    ReportFact,
    Status,
    achievement_rate,
    due_month,
    measure_status,
    planned_for,
    summarize,
)

PLAN_START, PLAN_END = date(2017, 1, 1), date(2017, 12, 31)


def facts(**changes) -> MeasureFacts:
    values = dict(
        deadline=date(2017, 6, 30), ongoing=False, listed_on=PLAN_START, retired_on=None,
        plan_start=PLAN_START, plan_end=PLAN_END, lag_threshold=10, planned=(),
    )
    values.update(changes)
    return MeasureFacts(**values)


def report(period, progress, sent_on=None):
    return ReportFact(period=period, progress=progress, sent_on=sent_on or period)


def status_of(measure: MeasureFacts, reports, as_of):
    result = measure_status(measure, summarize(reports, as_of, PLAN_START, PLAN_END), as_of)
    return None if result is None else result.status


@pytest.mark.parametrize(
    ("case", "measure", "reports", "as_of", "expected"),
    [
        ("nothing reported yet", facts(), [], date(2017, 3, 1), Status.NOT_STARTED),
        ("something reported", facts(), [report(date(2017, 3, 1), 30)], date(2017, 3, 20), Status.IN_PROGRESS),
        ("100% before the deadline", facts(), [report(date(2017, 5, 1), 100)], date(2017, 5, 20), Status.DONE),
        ("on the deadline day itself, not yet overdue", facts(), [report(date(2017, 6, 1), 80)], date(2017, 6, 30), Status.IN_PROGRESS),
        ("the day after the deadline", facts(), [report(date(2017, 6, 1), 80)], date(2017, 7, 1), Status.OVERDUE),
        ("complete stays complete after the deadline", facts(), [report(date(2017, 6, 1), 100)], date(2017, 9, 1), Status.DONE),
        ("no deadline: the plan's last day counts", facts(deadline=None), [], date(2017, 12, 31), Status.NOT_STARTED),
        ("no deadline, after the 民國 year end", facts(deadline=None), [], date(2018, 1, 1), Status.OVERDUE),
        ("a report sent after the as-of date does not count",
         facts(), [report(date(2017, 5, 1), 100, sent_on=date(2017, 6, 2))], date(2017, 5, 31), Status.NOT_STARTED),
        ("a report for a later month does not count",
         facts(), [report(date(2017, 6, 1), 50, sent_on=date(2017, 5, 20))], date(2017, 5, 31), Status.NOT_STARTED),
        ("listed after the as-of date: no status", facts(listed_on=date(2017, 6, 1)), [], date(2017, 5, 31), None),
        ("listed on the as-of date counts", facts(listed_on=date(2017, 5, 31)), [], date(2017, 5, 31), Status.NOT_STARTED),
        ("retired by then: no status", facts(retired_on=date(2017, 4, 1)), [], date(2017, 5, 31), None),
        ("retired later still counts", facts(retired_on=date(2017, 8, 1)), [], date(2017, 5, 31), Status.NOT_STARTED),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_deadline_measures(case, measure, reports, as_of, expected):
    assert status_of(measure, reports, as_of) == expected


@pytest.mark.parametrize(
    ("case", "planned", "reports", "as_of", "expected"),
    [
        ("no planned progress set: never lagging", (), [report(date(2017, 5, 1), 1)], date(2017, 5, 20), Status.IN_PROGRESS),
        ("exactly the threshold behind is lagging", ((date(2017, 5, 1), 50),), [report(date(2017, 5, 1), 40)], date(2017, 5, 20), Status.LAGGING),
        ("one point less than the threshold is not", ((date(2017, 5, 1), 50),), [report(date(2017, 5, 1), 41)], date(2017, 5, 20), Status.IN_PROGRESS),
        ("nothing reported against a plan is lagging", ((date(2017, 3, 1), 20),), [], date(2017, 4, 10), Status.LAGGING),
        ("the plan of the month applies from its first day",
         ((date(2017, 4, 1), 10), (date(2017, 5, 1), 60)), [report(date(2017, 4, 1), 20)], date(2017, 4, 30), Status.IN_PROGRESS),
        ("…and on the first day of the next month",
         ((date(2017, 4, 1), 10), (date(2017, 5, 1), 60)), [report(date(2017, 4, 1), 20)], date(2017, 5, 1), Status.LAGGING),
        ("a planned month later than the as-of date does not apply", ((date(2017, 9, 1), 80),), [], date(2017, 5, 31), Status.NOT_STARTED),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_lagging(case, planned, reports, as_of, expected):
    assert status_of(facts(deadline=date(2017, 12, 31), planned=planned), reports, as_of) == expected


@pytest.mark.parametrize(
    ("case", "reports", "as_of", "expected"),
    [
        ("before the first month's end nothing is due", [], date(2017, 1, 30), Status.NOT_STARTED),
        ("January's report is due on 1/31", [], date(2017, 1, 31), Status.REPORT_DUE),
        ("…and present", [report(date(2017, 1, 1), 10, sent_on=date(2017, 1, 31))], date(2017, 1, 31), Status.IN_PROGRESS),
        ("on 5/30 April's report is the one due", [report(date(2017, 4, 1), 30)], date(2017, 5, 30), Status.IN_PROGRESS),
        ("on 5/31 May's is due too", [report(date(2017, 4, 1), 30)], date(2017, 5, 31), Status.REPORT_DUE),
        ("February's end in a common year", [report(date(2017, 1, 1), 5)], date(2017, 2, 28), Status.REPORT_DUE),
        ("民國 year end: December is due on 12/31", [report(date(2017, 11, 1), 90)], date(2017, 12, 31), Status.REPORT_DUE),
        ("after the plan, December stays the due month", [report(date(2017, 12, 1), 100)], date(2018, 3, 1), Status.IN_PROGRESS),
        ("賡續辦理 never completes or goes overdue",
         [report(date(2017, 5, 1), 90), report(date(2017, 6, 1), 100, sent_on=date(2017, 6, 5))], date(2017, 6, 10), Status.IN_PROGRESS),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_ongoing_measures(case, reports, as_of, expected):
    assert status_of(facts(deadline=None, ongoing=True), reports, as_of) == expected


def test_lagging_outranks_a_missing_report_and_overdue_outranks_lagging():
    planned = ((date(2017, 3, 1), 50),)
    assert status_of(facts(deadline=None, ongoing=True, planned=planned), [], date(2017, 3, 31)) == Status.LAGGING
    assert status_of(facts(deadline=date(2017, 3, 15), planned=planned), [], date(2017, 3, 31)) == Status.OVERDUE


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2017, 1, 15), None),
        (date(2017, 1, 31), date(2017, 1, 1)),
        (date(2017, 3, 1), date(2017, 2, 1)),
        (date(2016, 2, 29), None),
        (date(2020, 2, 29), date(2020, 2, 1)),
        (date(2017, 12, 31), date(2017, 12, 1)),
        (date(2018, 1, 1), date(2017, 12, 1)),
    ],
)
def test_due_month(as_of, expected):
    assert due_month(as_of, PLAN_START) == expected


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
