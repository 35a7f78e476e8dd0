"""Service functions that write measures and their units and indicators.

After a plan's 結算日 each of them refuses (`require_year_open`: PermissionDenied, the pages' reason) and writes
nothing; only the fixture loader (`plan_load`) writes a closed year, by saying so (`allow_closed_year=True`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from diagnosis.access import require_year_open
from diagnosis.models import FocusPoint, Item, Plan, Unit
from sq_portal.history import history_record_created

from .measure_history import FieldChange, measure_changes_since
from .models import Indicator, Measure, PlannedProgress
from .models.measures import MeasureLeadUnit, MeasureSupportUnit, compose_responsible_text
from .plan_units import require_inside
from .row_sync import sync_rows


@transaction.atomic
def measure_create(
    *,
    plan: Plan,
    item: Item,
    focus_point: FocusPoint | None,
    source: str,
    position: int,
    name: str,
    content: str = "",
    lead_units: Sequence[Unit] = (),
    support_units: Sequence[Unit] = (),
    all_units: bool = False,
    responsible_text: str = "",
    deadline: date | None = None,
    ongoing: bool = False,
    indicators: Sequence[dict] = (),
    listed_on: date | None = None,
    user=None,
    allow_closed_year: bool = False,
) -> Measure:
    """Create a measure with its 主辦/協辦 units (in the order given, all inside the plan's organisation:
    UnitsOutsidePlan otherwise) and its indicators; refused after the plan's 結算日 unless `allow_closed_year`
    (the fixture loader's, writing the seed's closed year).

    The history gets one 「新增」 entry that already lists the units."""
    if not allow_closed_year:
        require_year_open(plan)
    if item.dimension.plan_id != plan.pk:
        raise ValueError(f"評核項目「{item.name}」不屬於計畫「{plan}」。")
    if focus_point is not None and focus_point.item_id != item.pk:
        raise ValueError(f"評核重點「{focus_point.name}」不屬於評核項目「{item.name}」。")
    require_inside(plan, lead_units=lead_units, support_units=support_units)
    measure = Measure(
        plan=plan,
        item=item,
        focus_point=focus_point,
        source=source,
        position=position,
        name=name,
        content=content,
        all_units=all_units,
        responsible_text=responsible_text,
        deadline=deadline,
        ongoing=ongoing,
        listed_on=listed_on or default_listed_on(plan),
    )
    measure.full_clean(exclude=["lead_units", "support_units"])
    measure.skip_history_when_saving = True
    measure.save()
    MeasureLeadUnit.objects.bulk_create(MeasureLeadUnit(measure=measure, unit=u) for u in lead_units)
    MeasureSupportUnit.objects.bulk_create(MeasureSupportUnit(measure=measure, unit=u) for u in support_units)
    measure._history_user = user
    history_record_created(measure)
    for position, spec in enumerate(indicators, start=1):
        indicator = Indicator(
            measure=measure,
            position=position,
            name=spec["name"],
            unit=spec["unit"],
            baseline_year=spec.get("baseline_year"),
            baseline_value=_decimal(spec.get("baseline_value")),
            target_value=_decimal(spec["target_value"]),
        )
        indicator._history_user = user
        indicator.full_clean()
        indicator.save()
    return measure


def default_listed_on(plan: Plan) -> date:
    """A new measure is tracked from today, kept within the plan's period."""
    return min(max(timezone.localdate(), plan.start_date), plan.end_date)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class EditConflict(Exception):
    """Someone saved the measure after the form was opened; `changes` says what they changed."""

    def __init__(self, measure: Measure, changes: list[FieldChange]):
        self.measure = measure
        self.changes = changes
        super().__init__("此措施已被其他人修改。")


MEASURE_FIELDS = [
    "item", "focus_point", "source", "name", "content", "all_units", "responsible_text", "deadline", "ongoing",
    "listed_on",
]


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    user,
    expected_version: int,
    lead_units: Sequence[Unit],
    support_units: Sequence[Unit],
    **values,
) -> Measure:
    """Save a staff edit of `measure` if nobody saved it since `expected_version`; otherwise EditConflict.

    The version check and bump are one UPDATE … WHERE version = n, so of two concurrent saves exactly one wins.
    The units must lie inside the plan's organisation (UnitsOutsidePlan otherwise). When they change and the
    printed 承辦單位 text was not edited with them, the text becomes `text_after_units_change`."""
    unknown = set(values) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown measure fields: {sorted(unknown)}")
    require_year_open(measure.plan)
    require_inside(measure.plan, lead_units=lead_units, support_units=support_units)
    old_lead = list(measure.lead_units.all())
    old_support = list(measure.support_units.all())
    units_changed = (
        [u.pk for u in old_lead] != [u.pk for u in lead_units]
        or [u.pk for u in old_support] != [u.pk for u in support_units]
        or values.get("all_units", measure.all_units) != measure.all_units
    )
    if units_changed and values.get("responsible_text", measure.responsible_text) == measure.responsible_text:
        values["responsible_text"] = text_after_units_change(
            measure,
            source=values.get("source", measure.source),
            old_names=([u.display_name for u in old_lead], [u.display_name for u in old_support]),
            new_names=([u.display_name for u in lead_units], [u.display_name for u in support_units]),
            all_units=values.get("all_units", measure.all_units),
        )

    claimed = Measure.objects.filter(pk=measure.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise EditConflict(measure, measure_changes_since(measure, expected_version))
    for name, value in values.items():
        setattr(measure, name, value)
    measure.version = expected_version + 1
    measure.full_clean(exclude=["lead_units", "support_units", "plan"])
    measure.skip_history_when_saving = True
    measure.save(update_fields=[*values.keys(), "version", "updated_at"])
    if units_changed:
        MeasureLeadUnit.objects.filter(measure=measure).delete()
        MeasureSupportUnit.objects.filter(measure=measure).delete()
        MeasureLeadUnit.objects.bulk_create(MeasureLeadUnit(measure=measure, unit=u) for u in lead_units)
        MeasureSupportUnit.objects.bulk_create(MeasureSupportUnit(measure=measure, unit=u) for u in support_units)
    del measure.skip_history_when_saving
    _record_history(measure, user)
    return measure


def text_after_units_change(
    measure: Measure, *, source: str, old_names: tuple[list[str], list[str]], new_names: tuple[list[str], list[str]],
    all_units: bool,
) -> str:
    """The printed 承辦單位 of `measure` (as stored, with its units named `old_names`: 主辦, 協辦) once its units
    become `new_names` (and `all_units`, `source`) without the text being edited with them.

    附表1 prints the bureau's 承辦單位, which the precinct's 主辦/協辦 never change: the text is kept, and a blank
    one is written out as it printed (the composition of the old units). 附表2 prints its units: a blank text stays
    blank (composed from the units as they are); a text that said just what the old units compose is composed
    anew from the new ones; a text saying more (各業務單位, a unit outside the organisation, a wording of its own)
    is kept as it is, never silently dropped: the form says to edit it with the units."""
    text = measure.responsible_text
    old_print = compose_responsible_text(measure.source, *old_names, measure.all_units)
    if source == Measure.Source.FORM1:
        return text or old_print
    if text and text == old_print:
        return compose_responsible_text(source, *new_names, all_units)
    return text


@dataclass(frozen=True)
class MeasureRowWrite:
    """One measure of a bulk save: a new one (no pk yet) or an existing one with its new values set and
    `version` still the one read; its 主辦/協辦 units in the order given."""

    measure: Measure
    lead_units: Sequence[Unit]
    support_units: Sequence[Unit]


class StaleMeasures(Exception):
    """Some measures were saved by someone else after they were read; nothing was written."""

    def __init__(self, measures: list[Measure]):
        self.measures = measures
        super().__init__("部分措施已被其他人修改。")


@transaction.atomic
def measures_bulk_save(*, plan: Plan, rows: Sequence[MeasureRowWrite], user) -> None:
    """Create the new measures and save the changed ones, in a number of queries that does not grow with
    the rows (bulk statements, split only where the database limits their parameters).

    Like measure_create and measure_update one by one, each measure gets one history entry (新增 or 修改,
    by `user`) that already lists its units, and a changed measure is saved only if nobody saved it since
    it was read (its version is then bumped); otherwise StaleMeasures and nothing is written. The rows are
    measures of `plan`, whose year must be open (`require_year_open`)."""
    require_year_open(plan)
    if any(r.measure.plan_id != plan.pk for r in rows):
        raise ValueError("匯入的措施不屬於此計畫。")
    new = [r for r in rows if r.measure.pk is None]
    changed = [r for r in rows if r.measure.pk is not None]
    if changed:
        pks = [r.measure.pk for r in changed]
        current = dict(Measure.objects.select_for_update().filter(pk__in=pks).values_list("pk", "version"))
        stale = [r.measure for r in changed if current.get(r.measure.pk) != r.measure.version]
        if stale:
            raise StaleMeasures(stale)
        now = timezone.now()
        for r in changed:
            r.measure.version += 1
            r.measure.updated_at = now
        Measure.objects.bulk_update([r.measure for r in changed], [*MEASURE_FIELDS, "version", "updated_at"])
        MeasureLeadUnit.objects.filter(measure__in=pks).delete()
        MeasureSupportUnit.objects.filter(measure__in=pks).delete()
    Measure.objects.bulk_create([r.measure for r in new])
    links = {
        "lead_units": _bulk_links(MeasureLeadUnit, [(r.measure, r.lead_units) for r in rows]),
        "support_units": _bulk_links(MeasureSupportUnit, [(r.measure, r.support_units) for r in rows]),
    }
    _bulk_history([(r.measure, "+") for r in new] + [(r.measure, "~") for r in changed], links, user)


def _bulk_links(model, wanted: list[tuple[Measure, Sequence[Unit]]]) -> list:
    rows = model.objects.bulk_create(model(measure=m, unit=u) for m, units in wanted for u in units)
    if rows and rows[0].pk is None:  # a database that does not return the new keys
        measures = {m.pk: m for m, _ in wanted}
        rows = [r for r in model.objects.filter(measure__in=list(measures)).order_by("pk")]
        for r in rows:
            r.measure = measures[r.measure_id]
    return rows


def _bulk_history(saved: list[tuple[Measure, str]], links: dict[str, list], user) -> None:
    """The rows django-simple-history writes on each save (HistoricalMeasure and its units), in bulk."""
    history_model = Measure.history.model
    fields = history_model.tracked_fields
    now = timezone.now()
    entries = history_model.objects.bulk_create(
        history_model(
            history_date=now, history_type=kind, history_user=user if getattr(user, "pk", None) else None,
            history_change_reason=None, **{f.attname: getattr(m, f.attname) for f in fields},
        )
        for m, kind in saved
    )
    if entries and entries[0].pk is None:
        entries = list(history_model.objects.filter(history_date=now, id__in=[m.pk for m, _ in saved]).order_by("history_id"))
    entry_of = {e.id: e for e in entries}
    for field in history_model._history_m2m_fields:
        m2m_model = getattr(history_model, field.name).model
        m2m_model.objects.bulk_create(
            m2m_model(history=entry_of[link.measure_id], id=link.pk, measure_id=link.measure_id, unit_id=link.unit_id)
            for link in links[field.name]
            if link.measure_id in entry_of
        )


def _record_history(measure: Measure, user) -> None:
    """One 「修改」 history entry for the saved measure, with its units as they now are."""
    measure._history_user = user
    models.signals.post_save.send(
        sender=Measure, instance=measure, created=False, update_fields=None, raw=False, using=measure._state.db
    )


@transaction.atomic
def measure_move(*, measure: Measure, user, direction: str) -> bool:
    """Swap `measure` with its neighbour in the same item and table (up or down); False at either end."""
    require_year_open(measure.plan)
    siblings = list(
        Measure.objects.select_for_update()
        .filter(plan=measure.plan_id, item=measure.item_id, source=measure.source, retired_at__isnull=True)
        .order_by("position", "pk")
    )
    ids = [m.pk for m in siblings]
    if measure.pk not in ids:
        return False
    index = ids.index(measure.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if other_index < 0 or other_index >= len(siblings):
        return False
    # Renumber the item's rows 10, 20, 30 … around the swap so equal positions cannot tie.
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    base = min(m.position for m in siblings)
    for offset, sibling in enumerate(siblings):
        new_position = base + offset
        if sibling.position != new_position:
            sibling.position = new_position
            sibling._history_user = user
            sibling.save(update_fields=["position"])
    return True


@transaction.atomic
def measure_retire(*, measure: Measure, user, retire: bool = True) -> Measure:
    """停用 (or 恢復) a measure: it leaves the tree, the dashboards and the forms, and keeps its history."""
    require_year_open(measure.plan)
    Measure.objects.filter(pk=measure.pk).update(version=F("version") + 1)
    measure.refresh_from_db(fields=["version"])
    measure.retired_at = timezone.now() if retire else None
    measure._history_user = user
    measure.save(update_fields=["retired_at", "updated_at"])
    return measure


@transaction.atomic
def planned_progress_set(*, measure: Measure, user, months: dict[date, int | None]) -> None:
    """Replace the measure's planned progress by `months` (month start → cumulative %; None clears it).

    The values must not go down from one month to the next; the caller's form says so in Chinese."""
    require_year_open(measure.plan)
    filled = sorted((m, p) for m, p in months.items() if p is not None)
    for (_, earlier), (_, later) in zip(filled, filled[1:], strict=False):
        if later < earlier:
            raise ValueError("預定進度不可逐月減少。")
    sync_rows(
        existing={p.month: p for p in PlannedProgress.objects.filter(measure=measure)},
        wanted=months,
        build=lambda month, percent: PlannedProgress(measure=measure, month=month, percent=percent),
        field="percent",
        user=user,
    )


@transaction.atomic
def indicator_save(*, indicator: Indicator, user) -> Indicator:
    """Create or change an indicator; a new one goes to the end of its measure's list."""
    require_year_open(indicator.measure.plan)
    if indicator.pk is None and not indicator.position:
        last = Indicator.objects.filter(measure=indicator.measure_id).order_by("-position").first()
        indicator.position = (last.position + 1) if last else 1
    indicator.full_clean()
    indicator._history_user = user
    indicator.save()
    return indicator


@transaction.atomic
def indicator_retire(*, indicator: Indicator, user, retire: bool = True) -> Indicator:
    """停用 (or 恢復) an indicator: it leaves the report form; the values units reported stay."""
    require_year_open(indicator.measure.plan)
    indicator.retired_at = timezone.now() if retire else None
    indicator._history_user = user
    indicator.save(update_fields=["retired_at"])
    return indicator
