"""Service functions of the 教育訓練: record a session with every unit's attendance, let a unit head correct their
own unit's count, delete a session. Each runs under one transaction: all of it is written, or nothing.

Lost updates: the session form carries the session's `updated_at` as it was when the form was opened; a save of
that form is refused when the session (or any of its attendance, which touches `updated_at`) changed since."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from diagnosis.models import Plan, Unit
from measures.row_sync import sync_rows

from .models import TrainingAttendance, TrainingSession

SESSION_FIELDS = (
    "held_on", "topic", "speaker", "speaker_title", "speaker_is_expert", "hours", "place", "organizer", "indicator", "notes",
)


class StaleSessionError(ValidationError):
    """The session changed after the form being saved was opened; nothing was written."""


def _sync_attendance(session: TrainingSession, attendance: Mapping[Unit, int | None], user) -> bool:
    """Make the session's attendance rows match `attendance`: None removes a unit's row, a number sets it.
    Whether any row changed."""
    existing = {row.unit_id: row for row in TrainingAttendance.objects.filter(session=session)}
    wanted = {unit.pk: value for unit, value in attendance.items()}
    changed = any(
        (existing[key].attendees if key in existing else None) != value for key, value in wanted.items()
    )
    sync_rows(
        existing=existing,
        wanted=wanted,
        build=lambda unit_id, value: TrainingAttendance(session=session, unit_id=unit_id, attendees=value),
        field="attendees",
        user=user,
    )
    return changed


def _last_editor_since(session: TrainingSession, since: datetime):
    """Who last changed the session or its attendance after `since`, as the history tells (None if it does not)."""
    candidates = [
        model.history.filter(history_date__gt=since, **lookup)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
        for model, lookup in ((TrainingSession, {"id": session.pk}), (TrainingAttendance, {"session_id": session.pk}))
    ]
    latest = max((c for c in candidates if c is not None), key=lambda c: c.history_date, default=None)
    return latest.history_user if latest is not None else None


def _refuse_if_stale(session: TrainingSession, opened_version: datetime, user) -> None:
    if session.updated_at == opened_version:
        return
    _refuse_as_changed_by(_last_editor_since(session, opened_version), user)


def _refuse_as_changed_by(editor, user) -> None:
    if editor is None:
        who = ""
    elif editor.pk == user.pk:
        who = "您（在其他視窗或分頁）"
    else:
        who = f" {editor.get_full_name() or editor.get_username()} "
    raise StaleSessionError(f"此場次在您開啟表單後已被{who}修改，請重新載入後再儲存。", code="stale")


@transaction.atomic
def training_session_save(
    *,
    plan: Plan,
    user,
    values: Mapping[str, Any],
    attendance: Mapping[Unit, int | None],
    session: TrainingSession | None = None,
    opened_version: datetime | None = None,
) -> TrainingSession:
    """Create (or change) a session of `plan` with the given fields (see SESSION_FIELDS) and every unit's
    attendance; raises ValidationError (Chinese) and writes nothing when any of it is wrong.

    `opened_version`: the session's `updated_at` when the form being saved was opened; when given and the
    session changed since (a unit head's attendance correction, another staff save), StaleSessionError is
    raised and nothing is written, so the form cannot overwrite what it never showed."""
    if session is None:
        session = TrainingSession(plan=plan, recorded_by=user)
    else:
        session = TrainingSession.objects.select_for_update().get(pk=session.pk, plan=plan)
        session.plan = plan
        if opened_version is not None:
            _refuse_if_stale(session, opened_version, user)
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
    *,
    session: TrainingSession,
    user,
    attendance: Mapping[Unit, int | None],
    allowed_units: list[Unit] | None,
    opened_at: datetime | None = None,
) -> None:
    """A unit head's correction of their own units' attendance (`allowed_units`; None for staff: every unit).

    `opened_at`: when the form being saved was opened; when given and another save changed the attendance of
    one of the units this one writes since, StaleSessionError is raised and nothing is written. (Other units'
    changes do not count: two heads correcting their own units at once both keep theirs.)"""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if allowed_units is not None:
        allowed = {unit.pk for unit in allowed_units}
        if any(unit.pk not in allowed for unit in attendance):
            raise PermissionDenied("您只能填寫本單位的參訓人數。")
    if opened_at is not None:
        change = (
            TrainingAttendance.history.filter(session_id=session.pk, unit_id__in=[u.pk for u in attendance], history_date__gt=opened_at)
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
        if change is not None:
            _refuse_as_changed_by(change.history_user, user)
    if _sync_attendance(session, attendance, user):
        # Touch the session (no history entry of its own: the attendance rows have theirs), so a session form
        # opened before this correction is refused instead of overwriting it.
        TrainingSession.objects.filter(pk=session.pk).update(updated_at=timezone.now())


@transaction.atomic
def training_session_delete(*, session: TrainingSession, user) -> None:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for row in session.attendances.all():
        row._history_user = user
        row.delete()
    session._history_user = user
    session.delete()
