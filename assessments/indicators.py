"""Indicators' actual values as of a date and their 達成率, in two queries for any number of measures."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from measures.models import Indicator, IndicatorActual, Measure, Unit

from .progress import COUNTED_REPORT_STATUSES, end_of_day
from .status import achievement_rate, month_start


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    actual: Decimal | None
    rate: float | None

    @property
    def rate_display(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1f}%"


def indicator_actuals(measures: list[Measure], as_of: date, unit: Unit | None = None) -> list[IndicatorProgress]:
    """Each active indicator of `measures` with its actual value: every unit's latest sent value, summed
    (or only `unit`'s), counting reports sent by `as_of` for months not after it."""
    indicators = list(
        Indicator.objects.filter(measure__in=measures, retired_at__isnull=True)
        .select_related("measure")
        .order_by("measure__position", "position")
    )
    rows = IndicatorActual.objects.filter(
        indicator__in=indicators,
        report__status__in=COUNTED_REPORT_STATUSES,
        report__period__lte=month_start(as_of),
        report__submitted_at__lt=end_of_day(as_of),
    )
    if unit is not None:
        rows = rows.filter(report__unit=unit)
    latest: dict[tuple[int, int], tuple[date, Decimal]] = {}
    for indicator_id, unit_id, period, value in rows.values_list(
        "indicator_id", "report__unit_id", "report__period", "value"
    ):
        key = (indicator_id, unit_id)
        if key not in latest or period > latest[key][0]:
            latest[key] = (period, value)
    totals: dict[int, Decimal] = {}
    for (indicator_id, _), (_, value) in latest.items():
        totals[indicator_id] = totals.get(indicator_id, Decimal(0)) + value
    return [
        IndicatorProgress(i, totals.get(i.pk), achievement_rate(totals.get(i.pk), i.target_value)) for i in indicators
    ]
