"""A measure's change history as people read it: who changed which field, when, from what to what.

Built from django-simple-history's records in a fixed number of queries, whatever the length of the history:
the records, the 主辦/協辦 snapshots of all of them, and the names they point to."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from diagnosis.models import FocusPoint, Item, Unit
from sq_portal.roc_dates import format_roc

from .models import Measure

TRACKED_FIELDS = [
    "item", "focus_point", "source", "name", "content", "lead_units", "support_units",
    "all_units", "responsible_text", "deadline", "ongoing", "listed_on", "retired_at",
]
KIND = {"+": "新增", "~": "修改", "-": "刪除"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str
    user: str
    when: datetime


@dataclass
class HistoryEntry:
    when: datetime
    kind: str
    user: str
    version: int
    changes: list[FieldChange] = field(default_factory=list)


def measure_history_entries(measure: Measure) -> list[HistoryEntry]:
    """Every saved version of `measure`, oldest first, each with its changes against the one before."""
    records = list(measure.history.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    history_ids = [r.history_id for r in records]
    units_by_record = {}
    unit_ids: set[int] = set()
    for name in ("lead_units", "support_units"):
        m2m_model = getattr(Measure.history.model, name).model
        rows = defaultdict(list)
        for history_id, unit_id in (
            m2m_model.objects.filter(history_id__in=history_ids).order_by("m2m_history_id").values_list("history_id", "unit_id")
        ):
            rows[history_id].append(unit_id)
            unit_ids.add(unit_id)
        units_by_record[name] = rows
    unit_names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    item_names = dict(Item.objects.filter(pk__in={r.item_id for r in records}).values_list("pk", "name"))
    focus_names = dict(
        FocusPoint.objects.filter(pk__in={r.focus_point_id for r in records if r.focus_point_id}).values_list("pk", "name")
    )

    def snapshot(record) -> dict[str, str]:
        values = {}
        for name in TRACKED_FIELDS:
            if name in ("lead_units", "support_units"):
                ids = units_by_record[name].get(record.history_id, [])
                values[name] = "、".join(unit_names.get(i, str(i)) for i in ids) or "（無）"
            elif name == "item":
                values[name] = item_names.get(record.item_id, "（已刪除）")
            elif name == "focus_point":
                values[name] = focus_names.get(record.focus_point_id, "（空白）") if record.focus_point_id else "（空白）"
            else:
                values[name] = _label(Measure._meta.get_field(name), getattr(record, name))
        return values

    entries = []
    previous = None
    for record in records:
        current = snapshot(record)
        user = _user_label(record.history_user)
        entry = HistoryEntry(when=record.history_date, kind=KIND[record.history_type], user=user, version=record.version)
        if previous is not None:
            for name in TRACKED_FIELDS:
                if current[name] != previous[name]:
                    entry.changes.append(
                        FieldChange(
                            field=str(Measure._meta.get_field(name).verbose_name),
                            old=previous[name],
                            new=current[name],
                            user=user,
                            when=record.history_date,
                        )
                    )
        entries.append(entry)
        previous = current
    return entries


def measure_changes_since(measure: Measure, version: int) -> list[FieldChange]:
    """What others changed after `version` (the version a form was opened on)."""
    entries = measure_history_entries(measure)
    return [change for entry in entries if entry.version > version for change in entry.changes]


def _user_label(user) -> str:
    if user is None:
        return "系統"
    return user.get_full_name() or user.get_username()


def _label(model_field, value) -> str:
    if value is None or value == "":
        return "（空白）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return format_roc(value)
    if isinstance(value, date):
        return format_roc(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)
