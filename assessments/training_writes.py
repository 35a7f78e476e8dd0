"""Service functions of the 教育訓練: record a session with every unit's attendance, let a unit head correct their
own unit's count, delete a session. Each runs under one transaction: all of it is written, or nothing."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from diagnosis.models import Plan
from measures.models import Unit
from measures.row_sync import sync_rows

from .models import TrainingAttendance, TrainingSession

SESSION_FIELDS = (
    "held_on", "topic", "speaker", "speaker_title", "speaker_is_expert", "hours", "place", "organizer", "indicator", "notes",
)


def _sync_attendance(session: TrainingSession, attendance: Mapping[Unit, int | None], user) -> None:
    """Make the session's attendance rows match `attendance`: None removes a unit's row, a number sets it."""
    sync_rows(
        existing={row.unit_id: row for row in TrainingAttendance.objects.filter(session=session)},
        wanted={unit.pk: value for unit, value in attendance.items()},
        build=lambda unit_id, value: TrainingAttendance(session=session, unit_id=unit_id, attendees=value),
        field="attendees",
        user=user,
    )


@transaction.atomic
def training_session_save(
    *,
    plan: Plan,
    user,
    values: Mapping[str, Any],
    attendance: Mapping[Unit, int | None],
    session: TrainingSession | None = None,
) -> TrainingSession:
    """Create (or change) a session of `plan` with the given fields (see SESSION_FIELDS) and every unit's
    attendance; raises ValidationError (Chinese) and writes nothing when any of it is wrong."""
    if session is None:
        session = TrainingSession(plan=plan, recorded_by=user)
    else:
        session = TrainingSession.objects.select_for_update().get(pk=session.pk, plan=plan)
        session.plan = plan
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(session, name, value)
    session._history_user = user
    session.full_clean()
    session.save()
    _sync_attendance(session, attendance, user)
    return session


@transaction.atomic
def training_attendance_save(
    *, session: TrainingSession, user, attendance: Mapping[Unit, int | None], allowed_units: list[Unit] | None
) -> None:
    """A unit head's correction of their own units' attendance (`allowed_units`; None for staff: every unit)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if allowed_units is not None:
        allowed = {unit.pk for unit in allowed_units}
        if any(unit.pk not in allowed for unit in attendance):
            raise PermissionDenied("您只能填寫本單位的參訓人數。")
    _sync_attendance(session, attendance, user)


@transaction.atomic
def training_session_delete(*, session: TrainingSession, user) -> None:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for row in session.attendances.all():
        row._history_user = user
        row.delete()
    session._history_user = user
    session.delete()
