"""今年度的示範計畫: besides the 106 plan as the seed gives it (a closed year), `setup_demo` makes the current
year's plan of each demo precinct (`demo_precincts`: 士林分局, 大同分局, 內湖分局), copied from 士林分局's 106
plan (`plan_copy`; to another precinct without 士林's units and team), and replays the year so far through the
service functions, each action on its own date (`demo_timeline`): 研考承辦 set deadlines, planned progress,
indicators and the precinct's own units for a few 附表1 measures in January; every unit reports every month, some
late, some returned and sent again, some behind plan (`demo_reports`); a 管制考核 each quarter, one 組織診斷
round, 創意提案, two 滿意度調查, 教育訓練, 電話禮貌測試 and 陳情案件 counts (`demo_activity`). What differs
between the precincts (who acts, the seed, which measures fall behind, who is late) is each one's `PrecinctYear`.

"The current year" is the year of last month: the year whose work has been reported up to last month. In
January that is the year just ended, still open until its closing date (its December reports are being
filed), so a newcomer in January also meets a year with something in every status.

Idempotent: when the precinct's plan of that year exists, nothing is added. Deterministic: a fixed seed per
precinct; what depends on the day it runs is only where the replay stops (what would happen at or after now is
left out)."""

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from diagnosis.models import Membership, Plan, Unit
from measures.measure_writes import indicator_save, measure_create, measure_retire, measure_update, planned_progress_set
from measures.models import Indicator, Measure, ProgressReport
from sq_portal.roc_dates import ROC_OFFSET

from .demo_activity import schedule_activity
from .demo_reports import schedule_reports
from .demo_timeline import DemoYear, PrecinctYear, Timeline, add_months, measure_key, moment, run_at, workday
from .models import ControlReview
from .plan_copy import plan_copy

SOURCE_YEAR = 106
SOURCE_ORGANIZATION = "tcpd-shilin"  # whose 106 plan every demo precinct's current plan is copied from

STEADY = tuple(round(100 * month / 12) for month in range(1, 13))  # 8, 17, 25 … 100


def by_month(*percents: int) -> tuple[int, ...]:
    return percents


@dataclass(frozen=True)
class MeasureSetup:
    """What 研考承辦 set on a copied measure in January (the precinct's own units for a few 附表1 measures
    are its `PrecinctYear.units`)."""

    deadline: tuple[int, int] | None = None  # (month, day) of the plan's year
    ongoing: bool = False
    planned: tuple[int, ...] = ()  # cumulative planned %, from January on


# Keys are `measure_key` prefixes. 附表2 has no deadlines in the seed (「原件附表2無完成期限欄」): staff set some.
SETUP = {
    "附表2／服務友善／提供友善服務設施": MeasureSetup(deadline=(6, 30), planned=by_month(15, 30, 50, 70, 85, 100)),
    "附表2／服務便捷／減除申辦案件": MeasureSetup(deadline=(12, 31), planned=STEADY),
    "附表2／服務成長及優化／加強宣導": MeasureSetup(deadline=(12, 31), planned=STEADY),
    "附表2／內部作業簡化／檢討冗事": MeasureSetup(
        deadline=(9, 30), planned=by_month(11, 22, 33, 44, 56, 67, 78, 89, 100)
    ),
    "附表2／服務精進機制／持續辦理創意提案": MeasureSetup(ongoing=True),
    "附表2／服務滿意情形／定期進行滿意度調查": MeasureSetup(
        deadline=(11, 30), planned=by_month(5, 10, 15, 25, 45, 60, 65, 70, 80, 100)
    ),
}
# The seed's placeholders with nothing to do (附表2 「無」, an empty 附表1 「其他服務作法」): staff retire them.
RETIRED = ("附表2／創新性／無", "附表1／服務友善／其他服務作法")
# The bureau's indicators, cut to the precinct's size: (measure, indicator name prefix) → target.
TARGETS = {
    ("附表1／服務一致及正確／服務人員專業度", "辦理策略專業職能講習"): 6,
    ("附表1／服務友善／服務設施合宜程度", "獲臺北市政府頒發優良哺乳室"): 6,
    ("附表1／服務可近性／主動服務", "機動派出所"): 24,
    ("附表1／服務可近性／主動服務", "少年犯罪預防"): 1200,
    ("附表1／服務可近性／其他服務作法", "犯罪預防宣導活動"): 150,
    ("附表1／服務成長及優化／突破成長", "第二期增設監視器"): 120,
    ("附表1／內部作業簡化／簡化內部作業", "應勤簿冊電子化"): 1,
}
# Indicators staff add to 附表2 measures: (measure, name, unit, target).
NEW_INDICATORS = (
    ("附表2／服務成長及優化／加強宣導", "e 點通申辦服務宣導場次", "場", 360),
    ("附表2／服務可近性／主動服務", "主動告知被害人案件處理情形", "人次", 1800),
)


@dataclass(frozen=True)
class DemoYearResult:
    plan: Plan | None
    created: bool
    message: str


def demo_year_of(today: date) -> int:
    """The 民國 year of the month before `today`'s."""
    return demo_last_month(today).year - ROC_OFFSET


def demo_year_create(precinct: PrecinctYear) -> DemoYearResult:
    """Make `precinct`'s current-year demo plan with its year so far (see the module's docstring), unless it
    exists."""
    now = timezone.now()
    today = timezone.localdate(now)
    year = demo_year_of(today)
    source = (
        Plan.objects.filter(organization__code=SOURCE_ORGANIZATION, year=SOURCE_YEAR)
        .select_related("organization")
        .first()
    )
    organization = Unit.objects.filter(code=precinct.code).first()
    if source is None:
        return DemoYearResult(None, False, f"找不到 {SOURCE_YEAR} 年計畫，未建立今年度的示範計畫。")
    if organization is None:
        return DemoYearResult(None, False, f"找不到單位「{precinct.code}」，未建立它今年度的示範計畫。")
    existing = Plan.objects.filter(organization=organization, year=year).first()
    if existing is not None:
        return DemoYearResult(existing, False, f"「{existing}」已存在，未變更。")
    if year <= SOURCE_YEAR:
        return DemoYearResult(None, False, f"今天是民國 {today.year - ROC_OFFSET} 年，未建立今年度的示範計畫。")
    with transaction.atomic():
        plan = _replay(precinct, source, organization, year, now)
    reports = ProgressReport.objects.filter(measure__plan=plan)
    return DemoYearResult(
        plan,
        True,
        f"已建立「{plan}」並重演至 {demo_last_month(today).month} 月："
        f"進度填報 {reports.count()} 筆（逾時 {reports.filter(sent_late=True).count()} 筆）、"
        f"管制考核 {ControlReview.objects.filter(plan=plan).count()} 次。",
    )


def demo_last_month(today: date) -> date:
    """The first day of the month before `today`'s: the last month whose work the demo reports."""
    return add_months(today.replace(day=1), -1)


def _replay(precinct: PrecinctYear, source: Plan, organization: Unit, year: int, now) -> Plan:
    users = get_user_model().objects.in_bulk([precinct.staff, precinct.colleague], field_name="username")
    staff = users[precinct.staff]
    western = year + ROC_OFFSET
    # 研考承辦 prepare the new year's plan in December.
    plan = run_at(
        moment(date(western - 1, 12, 15), 10, 20),
        lambda: plan_copy(source=source, year=year, user=staff, organization=organization).plan,
    )
    units = list(
        Unit.objects.filter(path__startswith=organization.path).exclude(pk=organization.pk).order_by("tree_order")
    )
    heads = {
        m.unit_id: m.user
        for m in Membership.objects.filter(unit__in=units, role=Membership.Role.HEAD)
        .select_related("user")
        .order_by("pk")
    }
    demo = DemoYear(
        plan=plan,
        precinct=precinct,
        organization=organization,
        staff=staff,
        colleague=users[precinct.colleague],
        heads=heads,
        units=units,
        last_month=demo_last_month(timezone.localdate(now)),
        rng=random.Random(precinct.seed),
        timeline=Timeline(now),
    )
    _set_up_measures(demo)
    schedule_reports(demo)
    schedule_activity(demo)
    _schedule_new_measure(demo)
    demo.timeline.run()
    return plan


def _measures(plan: Plan) -> dict[str, Measure]:
    return {
        measure_key(m): m
        for m in Measure.objects.filter(plan=plan, retired_at__isnull=True).with_units().in_plan_order()
    }


def find(measures: dict[str, Measure], prefix: str) -> Measure:
    """The one measure whose key starts with `prefix`."""
    (measure,) = [m for key, m in measures.items() if key.startswith(prefix)]
    return measure


def _set_up_measures(demo: DemoYear) -> None:
    """研考承辦's January: deadlines and 賡續辦理, the precinct's own units for a few 附表1 measures, planned
    progress, the indicators cut to the precinct's size, the seed's placeholders retired."""
    plan, staff = demo.plan, demo.staff
    measures = _measures(plan)
    clock = iter(range(10 * 60, 17 * 60, 7))  # one edit every seven minutes from 10:00

    def at_next(action):
        minutes = next(clock)
        return run_at(moment(demo.day(1, 6), minutes // 60, minutes % 60), action)

    for prefix in RETIRED:
        measure = find(measures, prefix)
        at_next(lambda m=measure: measure_retire(measure=m, user=staff))
    named = demo.precinct.units
    for prefix in [*SETUP, *(prefix for prefix in named if prefix not in SETUP)]:
        measure, setup = find(measures, prefix), SETUP.get(prefix, MeasureSetup())
        values = {}
        if setup.deadline is not None:
            values["deadline"] = demo.day(*setup.deadline)
        if setup.ongoing:
            values["ongoing"], values["deadline"] = True, None
        lead, support = list(measure.lead_units.all()), list(measure.support_units.all())
        if prefix in named:
            lead = [demo.unit(code) for code in named[prefix][0]]
            support = [demo.unit(code) for code in named[prefix][1]]
        if values or prefix in named:
            at_next(
                lambda m=measure, v=values, ld=lead, sp=support: measure_update(
                    measure=m, user=staff, expected_version=m.version, lead_units=ld, support_units=sp, **v
                )
            )
        if setup.planned:
            months = {demo.day(n, 1): percent for n, percent in enumerate(setup.planned, start=1)}
            at_next(lambda m=measure, p=months: planned_progress_set(measure=m, user=staff, months=p))
    indicators = Indicator.objects.filter(measure__plan=plan, retired_at__isnull=True).select_related("measure__item")
    for indicator in indicators:
        key = measure_key(indicator.measure)
        for (prefix, name), target in TARGETS.items():
            if key.startswith(prefix) and indicator.name.startswith(name):
                indicator.target_value = target
                at_next(lambda i=indicator: indicator_save(indicator=i, user=staff))
    for prefix, name, unit, target in NEW_INDICATORS:
        indicator = Indicator(measure=find(measures, prefix), name=name, unit=unit, target_value=target)
        at_next(lambda i=indicator: indicator_save(indicator=i, user=staff))
    demo.measures = _measures(plan)


def _schedule_new_measure(demo: DemoYear) -> None:
    """Last month 研考承辦 add the precinct's `PrecinctYear.new_measure`, due at the year's end; nothing is
    reported on it yet (未開始)."""
    plan, new = demo.plan, demo.precinct.new_measure
    if new is None:
        return
    item = find(demo.measures, "附表2／服務便捷／").item

    def create():
        last = Measure.objects.filter(plan=plan, item=item, source=Measure.Source.FORM2).order_by("-position").first()
        measure_create(
            plan=plan,
            item=item,
            focus_point=None,
            source=Measure.Source.FORM2,
            position=last.position + 1,
            name=new["name"],
            content=new["content"],
            lead_units=[demo.unit(code) for code in new["lead"]],
            support_units=[demo.unit(code) for code in new["support"]],
            deadline=plan.end_date,
            user=demo.staff,
        )

    demo.timeline.add(moment(workday(demo.last_month.replace(day=10)), 10, 30), create)
