"""The clock of the current year's demo (`demo_year`): every action of the year on its own moment.

The demo replays a year through the service functions. Each action is added to a `Timeline` with the moment it
happens (a unit sends its March report on 4/3 at 10:12, staff accept it on 4/8); `Timeline.run` performs them in
time order, each with the clock set to its moment (time-machine), so submitted_at, created_at, review dates
and history read as they would have. What would happen at or after the real now is left out."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from diagnosis.models import Plan, Unit
from measures.models import Measure


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """`day` at `hour`:`minute`, local time (Asia/Taipei), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def run_at(when: datetime, action: Callable[[], object]):
    """Perform `action` with the clock set to `when`; its result."""
    with time_machine.travel(when, tick=False):
        return action()


def workday(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend (研考承辦 work office hours)."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month`'s."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class Timeline:
    """The year's actions, performed in time order (then in the order added), each at its moment; actions at or
    after `now` have not happened yet and are left out."""

    def __init__(self, now: datetime):
        self.now = now
        self._events: list[tuple[datetime, int, Callable[[], object]]] = []

    def add(self, when: datetime, action: Callable[[], object]) -> None:
        self._events.append((when, len(self._events), action))

    def has_happened(self, when: datetime) -> bool:
        return when < self.now

    def run(self) -> int:
        """Perform every action that has happened; how many."""
        done = 0
        for when, _, action in sorted(self._events, key=lambda event: event[:2]):
            if self.has_happened(when):
                run_at(when, action)
                done += 1
        return done


def measure_key(measure: Measure) -> str:
    """How the demo names a measure of the copied plan: 「附表2／服務友善／提供友善服務設施」 (an item has at most
    one measure of a name per form: the seed's four 「其他服務作法」 are told apart by their items)."""
    form = "附表1" if measure.source == Measure.Source.FORM1 else "附表2"
    return f"{form}／{measure.item.name}／{measure.name}"


# The indicator whose actual value the 教育訓練 sessions give (not reported): (measure key, indicator name prefix).
TRAINING_INDICATOR = ("附表1／服務一致及正確／服務人員專業度", "辦理策略專業職能講習")


def is_training_indicator(indicator) -> bool:
    return measure_key(indicator.measure).startswith(TRAINING_INDICATOR[0]) and indicator.name.startswith(
        TRAINING_INDICATOR[1]
    )


@dataclass(frozen=True)
class PrecinctYear:
    """How one precinct's year goes in the demo (`demo_precincts` has the three): who acts, the random seed, and
    the precinct's own tables, each read by the module named beside it."""

    code: str  # the precinct's unit code
    staff: str  # username of its 研考承辦: they set the plan up, review the units' reports, send the precinct's own
    colleague: str  # username of the second 研考承辦, who review what `staff` sent for the precinct
    seed: int
    follow_up_unit: str  # unit code: who follows up a 管制考核's items kept under control (demo_activity)
    units: dict = field(default_factory=dict)  # 附表1 measure key prefix → (主辦, 協辦) unit codes (demo_year)
    new_measure: dict | None = None  # a measure 研考承辦 add last month (demo_year)
    courses: dict = field(default_factory=dict)  # measure key prefix → `demo_reports.Course`
    lateness: dict = field(default_factory=dict)  # unit code → share of months sent late (demo_reports)
    late_others: float = 0.05  # … for the other units
    returned: float = 0.05  # share of reports 研考承辦 return (demo_reports)
    with_evidence: float = 0.08  # share of first sendings with an evidence file (demo_reports)
    diagnosis_returned: str | None = None  # the unit whose 組織診斷 self-check is returned once (demo_activity)
    low_courtesy: dict = field(default_factory=dict)  # (month, unit code) → a 電話禮貌測試 score (demo_activity)
    proposals: tuple = ()  # 創意提案 (demo_activity.schedule_activity)
    training: tuple = ()  # 教育訓練 (demo_activity.schedule_activity)
    training_place: str = ""
    sendings: tuple = ()  # `demo_submissions.Sending`s: 書面資料送審
    scoring_group: str = ""  # its group in the bureau's 評分回合 (demo_scoring)
    scoring_level: Decimal = Decimal("0.8")  # how well the reviewers find it does, a share of each point's points


@dataclass
class DemoYear:
    """What the year's actions share: the plan, who acts, the units, the measures by `measure_key`, the random
    numbers (the precinct's fixed seed) and the timeline."""

    plan: Plan
    precinct: PrecinctYear
    organization: Unit
    staff: object  # 研考承辦 (`PrecinctYear.staff`)
    colleague: object  # the second 研考承辦, who reviews what `staff` sent for the organisation
    heads: dict[int, object]  # unit id → the account of its head
    units: list[Unit]  # the units below the organisation, in tree order
    last_month: date  # first day of the last month whose work is reported (the month before today's)
    rng: random.Random
    timeline: Timeline
    measures: dict[str, Measure] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """The plan's year, 西元."""
        return self.plan.start_date.year

    def day(self, month: int, day: int) -> date:
        """A day of the plan's year; month 13 is January of the next year."""
        return add_months(date(self.year, 1, 1), month - 1).replace(day=day)

    def months(self) -> list[date]:
        """The first day of every month whose work is reported: January to `last_month`."""
        months, month = [], self.plan.start_date.replace(day=1)
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months

    def unit(self, code: str) -> Unit:
        return next(unit for unit in [self.organization, *self.units] if unit.code == code)

    def has_sender(self, unit: Unit) -> bool:
        return unit.pk == self.organization.pk or unit.pk in self.heads

    def reviewer(self, unit: Unit):
        """Who reviews `unit`'s reports: 研考承辦; the organisation's own, which they sent, their colleague."""
        return self.colleague if unit.pk == self.organization.pk else self.staff

    def sender(self, unit: Unit):
        """Who sends `unit`'s reports: its head; for the organisation itself, 研考承辦."""
        return self.staff if unit.pk == self.organization.pk else self.heads[unit.pk]

    def later(self, when: datetime, days: int, hour: int | None = None) -> datetime:
        """`days` days after `when`, at `hour` (or a working hour picked at random)."""
        hour = hour if hour is not None else self.rng.randint(9, 16)
        return moment(when.date() + timedelta(days=days), hour, self.rng.randint(0, 59))
