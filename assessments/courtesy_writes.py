"""Service functions of the 電話禮貌測試: record a test, correct it; which units fell below the pass score."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError

from diagnosis.models import Plan, Unit

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


def courtesy_test_kept_reason(test: CourtesyTest) -> str | None:
    """Why this test may not be deleted (a 獎懲 rests on it or a 管制考核 lists it), in Chinese; None when it may.
    Two queries."""
    uses = []
    if count := test.commendations.count():
        uses.append(f"是 {count} 筆獎懲紀錄的依據")
    titles = list(test.review_items.order_by("review__as_of", "review_id").values_list("review__title", flat=True))
    if titles:
        uses.append("已列入" + "、".join(f"「{title}」" for title in titles))
    if not uses:
        return None
    return f"此電話禮貌測試{'，並'.join(uses)}，須保留作為紀錄，不能刪除。"


@transaction.atomic
def courtesy_test_delete(*, test: CourtesyTest, user) -> None:
    """Delete a test recorded by mistake; refused while a 獎懲 or a 管制考核 refers to it. The history keeps who."""
    locked = CourtesyTest.objects.select_for_update().get(pk=test.pk)
    if reason := courtesy_test_kept_reason(locked):
        raise CourtesyError(reason)
    locked._history_user = user
    try:
        locked.delete()
    except ProtectedError as error:  # referred to since the check (the PROTECT foreign keys refuse it)
        raise CourtesyError("此電話禮貌測試已被獎懲紀錄或管制考核引用，須保留作為紀錄，不能刪除。") from error


def latest_courtesy_tests(plan: Plan, *, until: date, unseen_by=None) -> dict[int, CourtesyTest]:
    """Each unit's latest test of the plan up to `until`, by unit id, in unit-tree order; with `unseen_by` (a
    管制考核), only those that review could not have seen: dated after its 檢視基準日, or recorded after it was
    opened (an earlier test entered late). One query."""
    tests = CourtesyTest.objects.filter(plan=plan, tested_on__gte=plan.start_date, tested_on__lte=until).select_related("unit")
    latest: dict[int, CourtesyTest] = {}
    for test in tests.order_by("unit__tree_order", "unit_id", "-tested_on", "-pk"):
        latest.setdefault(test.unit_id, test)
    if unseen_by is not None:
        latest = {
            unit_id: test for unit_id, test in latest.items()
            if test.tested_on > unseen_by.as_of or test.recorded_at > unseen_by.created_at
        }
    return latest


def courtesy_tests_below_pass(plan: Plan, *, until: date, unseen_by=None) -> list[CourtesyTest]:
    """The units whose latest test scored below the plan's pass score (their latest tests; see `latest_courtesy_tests`)."""
    latest = latest_courtesy_tests(plan, until=until, unseen_by=unseen_by)
    return [test for test in latest.values() if test.score < plan.courtesy_pass_score]
