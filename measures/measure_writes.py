"""Service functions that write measures and their units and indicators."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from diagnosis.models import FocusPoint, Item, Plan
from sq_portal.history import history_record_created

from .models import Indicator, Measure, Unit
from .models.measures import MeasureLeadUnit, MeasureSupportUnit


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
) -> Measure:
    """Create a measure with its 主辦/協辦 units (in the order given) and its indicators.

    The history gets one 「新增」 entry that already lists the units."""
    if item.dimension.plan_id != plan.pk:
        raise ValueError(f"評核項目「{item.name}」不屬於計畫「{plan}」。")
    if focus_point is not None and focus_point.item_id != item.pk:
        raise ValueError(f"評核重點「{focus_point.name}」不屬於評核項目「{item.name}」。")
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
    )
    measure.full_clean(exclude=["lead_units", "support_units"])
    measure.skip_history_when_saving = True
    measure.save()
    MeasureLeadUnit.objects.bulk_create(MeasureLeadUnit(measure=measure, unit=u) for u in lead_units)
    MeasureSupportUnit.objects.bulk_create(MeasureSupportUnit(measure=measure, unit=u) for u in support_units)
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
        indicator.full_clean()
        indicator.save()
    return measure


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
