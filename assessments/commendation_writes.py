"""Service functions of the 獎懲: record a commendation or penalty, correct it."""

from datetime import date

from django.db import transaction

from diagnosis.models import Plan, Unit

from .models import Commendation, ControlReview, CourtesyTest


class CommendationError(Exception):
    """The record cannot be saved as given; the message says why, in Chinese."""


def _check(plan: Plan, unit: Unit, review: ControlReview | None, courtesy_test: CourtesyTest | None, finding: str) -> None:
    if not unit.is_within(plan.organization):
        raise CommendationError(f"「{unit.name}」不屬於{plan.organization.name}。")
    if review is not None and review.plan_id != plan.pk:
        raise CommendationError("所選的管制考核不屬於此計畫。")
    if courtesy_test is not None:
        if courtesy_test.plan_id != plan.pk:
            raise CommendationError("所選的電話禮貌測試不屬於此計畫。")
        if courtesy_test.unit_id != unit.pk:
            raise CommendationError(f"所選的電話禮貌測試是{courtesy_test.unit.name}的測試，與獎懲單位不同。")
    if review is None and courtesy_test is None and not finding:
        raise CommendationError("請選擇所依據的管制考核或電話禮貌測試，或填寫考核所見。")


FIELDS = ["unit", "person_name", "person_title", "kind", "times", "reason", "decided_on", "review", "courtesy_test", "finding"]


@transaction.atomic
def commendation_record(
    *, plan: Plan, unit: Unit, kind: str, times: int = 1, reason: str, decided_on: date, person_name: str = "",
    person_title: str = "", review: ControlReview | None = None, courtesy_test: CourtesyTest | None = None,
    finding: str = "", user,
) -> Commendation:
    """Record a 嘉獎/記功/申誡/記過 … of a person (name given) or of a unit, with what led to it."""
    _check(plan, unit, review, courtesy_test, finding)
    record = Commendation(
        plan=plan, unit=unit, person_name=person_name, person_title=person_title, kind=kind, times=times,
        reason=reason, decided_on=decided_on, review=review, courtesy_test=courtesy_test, finding=finding,
        recorded_by=user,
    )
    record._history_user = user
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def commendation_update(
    *, record: Commendation, unit: Unit, kind: str, times: int = 1, reason: str, decided_on: date,
    person_name: str = "", person_title: str = "", review: ControlReview | None = None,
    courtesy_test: CourtesyTest | None = None, finding: str = "", user,
) -> Commendation:
    locked = Commendation.objects.select_for_update().select_related("plan__organization").get(pk=record.pk)
    _check(locked.plan, unit, review, courtesy_test, finding)
    values = {
        "unit": unit, "person_name": person_name, "person_title": person_title, "kind": kind, "times": times,
        "reason": reason, "decided_on": decided_on, "review": review, "courtesy_test": courtesy_test, "finding": finding,
    }
    for name, value in values.items():
        setattr(locked, name, value)
    locked._history_user = user
    locked.full_clean()
    locked.save(update_fields=FIELDS)
    return locked


@transaction.atomic
def commendation_delete(*, record: Commendation, user) -> None:
    """Delete a record entered by mistake; the history keeps what it said and who deleted it."""
    record._history_user = user
    record.delete()
