"""Service functions of the 電話禮貌測試: record a test, correct it; which units fell below the pass score."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from diagnosis.models import Plan
from measures.models import Unit

from .models import CourtesyTest


class CourtesyError(Exception):
    """The test cannot be saved as given; the message says why, in Chinese."""


def _check(plan: Plan, unit: Unit, tested_on: date) -> None:
    if not unit.is_within(plan.organization):
        raise CourtesyError(f"「{unit.name}」不屬於{plan.organization.name}。")
    if not (plan.start_date <= tested_on <= plan.end_date):
        raise CourtesyError("測試日期應在計畫執行期程內。")


@transaction.atomic
def courtesy_test_record(
    *, plan: Plan, unit: Unit, tested_on: date, score: Decimal, findings: str = "", tester: str, user
) -> CourtesyTest:
    """Record a new test of `unit`."""
    _check(plan, unit, tested_on)
    test = CourtesyTest(
        plan=plan, unit=unit, tested_on=tested_on, score=score, findings=findings, tester=tester, recorded_by=user
    )
    test._history_user = user
    test.full_clean()
    test.save()
    return test


@transaction.atomic
def courtesy_test_update(
    *, test: CourtesyTest, unit: Unit, tested_on: date, score: Decimal, findings: str = "", tester: str, user
) -> CourtesyTest:
    """Correct a recorded test (a 管制考核 that already listed it keeps the score it was listed with)."""
    locked = CourtesyTest.objects.select_for_update().select_related("plan__organization").get(pk=test.pk)
    _check(locked.plan, unit, tested_on)
    locked.unit, locked.tested_on, locked.score, locked.findings, locked.tester = unit, tested_on, score, findings, tester
    locked._history_user = user
    locked.full_clean()
    locked.save(update_fields=["unit", "tested_on", "score", "findings", "tester"])
    return locked


def latest_courtesy_tests(plan: Plan, *, after: date | None, until: date) -> dict[int, CourtesyTest]:
    """Each unit's latest test after `after` (from the plan's start when None) up to `until`, by unit id, in
    unit-tree order. One query."""
    tests = CourtesyTest.objects.filter(plan=plan, tested_on__lte=until).select_related("unit")
    tests = tests.filter(tested_on__gt=after) if after is not None else tests.filter(tested_on__gte=plan.start_date)
    latest: dict[int, CourtesyTest] = {}
    for test in tests.order_by("unit__tree_order", "unit_id", "-tested_on", "-pk"):
        latest.setdefault(test.unit_id, test)
    return latest


def courtesy_tests_below_pass(plan: Plan, *, after: date | None, until: date) -> list[CourtesyTest]:
    """The units whose latest test in that window scored below the plan's pass score (their latest tests)."""
    latest = latest_courtesy_tests(plan, after=after, until=until)
    return [test for test in latest.values() if test.score < plan.courtesy_pass_score]
