"""Indicators' actual values as of a date and their 達成率, in three queries for any number of measures.

An indicator that training sessions count toward (教育訓練, see `assessments.models.training`) takes its
actual value from those sessions alone — 場 counts sessions, 人次 sums attendance, 小時 sums hours — and the
values units typed for it in their monthly reports are ignored, so nothing is counted twice; the report
form no longer asks for it once a session is linked."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from diagnosis.models import Unit
from measures.models import Indicator, IndicatorActual, Measure
from measures.progress import COUNTED_REPORT_STATUSES, default_as_of, end_of_day
from measures.status import achievement_rate, month_start

from .models.training import CountsAs, TrainingSession, attendance_total_subquery, counts_as_for_unit

FROM_TRAINING = "由教育訓練紀錄自動計算"


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    actual: Decimal | None
    rate: float | None
    from_training: bool = False

    @property
    def rate_display(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1f}%"


def indicator_actuals(
    measures: list[Measure] | list[int], as_of: date, unit: Unit | None = None
) -> list[IndicatorProgress]:
    """Each active indicator of `measures` (instances or ids) with its actual value: every unit's latest sent
    value, summed (or only `unit`'s), counting reports sent by `as_of` for months not after it; for an indicator fed by
    training, what the sessions held by `as_of` add up to (`unit`'s: the sessions it organised, its attendees).

    Queries: the indicators, the reported values, one aggregate of the training sessions (none when the
    measures have no indicator)."""
    indicators = list(
        Indicator.objects.filter(measure__in=measures, retired_at__isnull=True)
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
    training = training_contributions(indicators, as_of, unit)
    result = []
    for indicator in indicators:
        if indicator.pk in training:
            actual = training[indicator.pk]
            result.append(IndicatorProgress(indicator, actual, achievement_rate(actual, indicator.target_value), True))
        else:
            actual = totals.get(indicator.pk)
            result.append(IndicatorProgress(indicator, actual, achievement_rate(actual, indicator.target_value)))
    return result


def training_contributions(indicators: list[Indicator], as_of: date, unit: Unit | None = None) -> dict[int, Decimal]:
    """For each of `indicators` that any training session counts toward (whatever its date), what the sessions
    held on or before `as_of` add up to, by the indicator's unit. One aggregate query (none for no indicators)."""
    if not indicators:
        return {}
    held = Q(held_on__lte=as_of)
    own = held & Q(organizer=unit) if unit is not None else held
    rows = (
        TrainingSession.objects.filter(indicator__in=indicators)
        .order_by()
        .values("indicator_id")
        .annotate(
            linked=Count("pk"),
            sessions=Count("pk", filter=own),
            hours=Sum("hours", filter=own),
            attendance=Sum(attendance_total_subquery(unit), filter=held),
        )
    )
    by_id = {indicator.pk: indicator for indicator in indicators}
    result: dict[int, Decimal] = {}
    for row in rows:
        counts_as = counts_as_for_unit(by_id[row["indicator_id"]].unit)
        if counts_as == CountsAs.ATTENDANCE:
            value = row["attendance"]
        elif counts_as == CountsAs.HOURS:
            value = row["hours"]
        else:
            value = row["sessions"]
        result[row["indicator_id"]] = Decimal(value or 0)
    return result


@dataclass(frozen=True)
class TrainingIndicatorProgress:
    name: str
    unit: str
    target: Decimal
    actual: Decimal

    @property
    def rate_display(self) -> str:
        rate = achievement_rate(self.actual, self.target)
        return "—" if rate is None else f"{rate:.1f}%"


@dataclass(frozen=True)
class TrainingSummary:
    """教育訓練 so far: sessions, hours, attendance (人次), sessions led by outside 專家學者, and the indicators
    the sessions count toward with their actual values."""

    as_of: date
    sessions: int
    hours: Decimal
    attendance: int
    expert_sessions: int
    indicators: list[TrainingIndicatorProgress]


TRAINING_GROUP_COLUMNS = (
    "indicator_id", "indicator__name", "indicator__unit", "indicator__target_value", "indicator__retired_at",
    "indicator__measure__position", "indicator__position", "sessions", "hours", "experts", "attendance",
)


def training_groups(*, plan_id, as_of):
    """The plan's sessions held by `as_of`, grouped by the indicator they count toward: TRAINING_GROUP_COLUMNS."""
    held = Q(held_on__lte=as_of)
    return (
        TrainingSession.objects.filter(plan_id=plan_id)
        .order_by()
        .values(*TRAINING_GROUP_COLUMNS[:7])
        .annotate(
            sessions=Count("pk", filter=held),
            hours=Sum("hours", filter=held),
            experts=Count("pk", filter=held & Q(speaker_is_expert=True)),
            attendance=Sum(attendance_total_subquery(), filter=held),
        )
        .values_list(*TRAINING_GROUP_COLUMNS)
    )


def training_summary(plan, as_of: date | None = None) -> TrainingSummary:
    """The plan's training figures for the sessions held on or before `as_of` (default: the plan's default
    as-of day). One query: the plan's sessions grouped by the indicator they count toward (no indicator is a
    group too); the plan's totals are the groups' sums, each indicator's actual value its group's."""
    as_of = as_of or default_as_of(plan)
    groups = [dict(zip(TRAINING_GROUP_COLUMNS, row, strict=True)) for row in training_groups(plan_id=plan.pk, as_of=as_of)]
    indicators = []
    counted = (g for g in groups if g["indicator_id"] is not None and g["indicator__retired_at"] is None)
    for row in sorted(counted, key=lambda g: (g["indicator__measure__position"], g["indicator__position"], g["indicator_id"])):
        counts_as = counts_as_for_unit(row["indicator__unit"])
        key = {CountsAs.ATTENDANCE: "attendance", CountsAs.HOURS: "hours"}.get(counts_as, "sessions")
        indicators.append(
            TrainingIndicatorProgress(
                row["indicator__name"], row["indicator__unit"], row["indicator__target_value"], Decimal(row[key] or 0)
            )
        )
    return TrainingSummary(
        as_of=as_of,
        sessions=sum(g["sessions"] for g in groups),
        hours=sum((g["hours"] or Decimal(0) for g in groups), Decimal(0)),
        attendance=sum(g["attendance"] or 0 for g in groups),
        expert_sessions=sum(g["experts"] for g in groups),
        indicators=indicators,
    )
