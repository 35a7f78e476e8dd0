"""The current year's demo (`demo_year`), its monthly progress reports.

Every unit carrying a measure reports it every month (研考承辦 for the organisation itself), all of a unit's
reports of a month at one sitting: most between the month's last day and the due day (`Plan.report_due_on`),
some after it (逾時填報; `PrecinctYear.lateness`: at 士林分局 the small remote 溪山派出所 often). 研考承辦 accept
each a few working days later or return it with a comment; the unit sends it again with evidence. Progress
follows the planned progress (or, without one, a steady twelfth a month), each unit a little ahead or behind;
the precinct's `PrecinctYear.courses` give the measures that do not go to plan. Indicators are reported with
it, each unit its share. A unit's report of the month before today's is never late (it may simply not be sent
yet): so the dashboard as of today is not made of chance."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from measures.models import Indicator, Measure
from measures.progress import PlanProgress, planned_progress
from measures.report_writes import report_review, report_save

from .demo_files import evidence_upload, pdf_bytes, png_bytes
from .demo_timeline import DemoYear, is_training_indicator, moment, workday

STEADY = tuple(round(100 * month / 12) for month in range(1, 13))


@dataclass(frozen=True)
class Course:
    """How a measure's work goes this year, where it does not simply follow the plan."""

    pace: float = 1.0  # share of the planned progress the units reach
    done_by: int | None = None  # the month its work is complete (100%): no reports after it
    ceiling: int = 100  # progress stuck below this
    behind: tuple[tuple[str, float], ...] = ()  # (unit code, its own pace): a unit behind the others
    silent: tuple[str, int] | None = None  # (unit code, n): that unit has not sent its last n months


RETURN_COMMENTS = (
    "請補充本月辦理情形的佐證資料（照片或簽到表）。",
    "累計進度與上月相同，請說明本月辦理情形。",
    "執行情形過於簡略，請具體說明辦理場次與人次。",
)
NARRATIVES = {
    "附表2／服務一致及正確／臺北市政府網路申辦": "協助民眾以「臺北市民 e 點通」線上申辦 {n} 件，櫃檯申辦須知已依最新 SOP 更新。",
    "附表2／服務友善／提供友善服務設施": "檢查哺集乳室、無障礙設施及 AED 等友善設施 {n} 項，缺失均已報修。",
    "附表2／服務便捷／減除申辦案件": "以跨機關電子查驗取代民眾檢附紙本謄本 {n} 件。",
    "附表2／服務可近性／主動服務": "主動以電話或簡訊告知被害人案件處理情形 {n} 人次。",
    "附表2／服務成長及優化／加強宣導": "於里辦公處、商家及 LED 跑馬燈宣導 e 點通申辦服務 {n} 場。",
    "附表2／內部作業簡化／檢討冗事": "檢討內部簽核流程 {n} 項，改以線上簽核減少紙本表單。",
    "附表2／服務精進機制／持續辦理創意提案": "鼓勵同仁提出創意提案，並辦理服務態度示範演練 {n} 場。",
    "附表2／服務滿意情形／定期進行滿意度調查": "配合發放臨櫃洽公民眾滿意度問卷 {n} 份。",
    "附表2／意見回應處理情形／運用其他機制": "彙整 1999 市民熱線及臉書粉絲專頁民眾意見 {n} 則，均已回應。",
    "附表2／開放參與／機關網站主動公開": "更新分局網站及臉書粉絲專頁公開資訊 {n} 則。",
}
BEHIND_NOTE = "本月因支援專案勤務，進度未如預期，下月加強辦理。"
LATE_DEADLINE_NOTE = "已逾完成期限，部分表單仍待市府系統修正，持續追蹤辦理。"


def course_of(courses: dict[str, Course], key: str) -> Course:
    return next((course for prefix, course in courses.items() if key.startswith(prefix)), Course())


def narrative(key: str, measure: Measure, count: int) -> str:
    template = next((text for prefix, text in NARRATIVES.items() if key.startswith(prefix)), None)
    if template is None:
        template = f"依警察局具體作法「{measure.name[:30]}」辦理，本月相關作業 {{n}} 件。"
    return template.format(n=count)


def schedule_reports(demo: DemoYear) -> None:
    """Add every report of the year so far, its review and any sending again to the timeline."""
    plan = demo.plan
    carriers = PlanProgress.load(plan, plan.start_date).carriers
    planned = planned_progress(measure__plan=plan)
    indicators = defaultdict(list)
    for indicator in Indicator.objects.filter(measure__plan=plan, retired_at__isnull=True).select_related(
        "measure__item"
    ):
        if not is_training_indicator(indicator):
            indicators[indicator.measure_id].append(indicator)
    # Who reports each measure: its carriers by the project's rule (`carries`: the precinct itself when it names
    # none of its units), those with someone to send their reports.
    work = [(key, m, [u for u in carriers[m.pk] if demo.has_sender(u)]) for key, m in demo.measures.items()]
    factors = {
        (m.pk, unit.pk): 1 + demo.rng.randint(0, 4) / 100
        if unit in m.lead_units.all()
        else 1 + demo.rng.randint(-6, 4) / 100
        for _, m, units in work
        for unit in units
    }
    reached = defaultdict(int)  # (measure, unit) → progress last reported
    counted = defaultdict(int)  # (indicator, unit) → actual value last reported (cumulative)
    months = demo.months()
    for number, month in enumerate(months, start=1):
        last = month == demo.last_month
        sittings = {}
        for key, measure, units in work:
            course = course_of(demo.precinct.courses, key)
            target = _planned(planned.get(measure.pk, ()), month, number)
            for unit in units:
                if course.silent and course.silent[0] == unit.code and number > len(months) - course.silent[1]:
                    continue
                if reached[(measure.pk, unit.pk)] >= 100 and not measure.ongoing:
                    continue  # done: nothing more to report
                factor = factors[(measure.pk, unit.pk)]
                pace = dict(course.behind).get(unit.code, course.pace) * factor
                # The units ahead of the others finish a month early.
                done = course.done_by is not None and number >= course.done_by - (1 if factor > 1.02 else 0)
                progress = 100 if done else min(course.ceiling, 100, round(target * pace))
                progress = max(progress, reached[(measure.pk, unit.pk)])
                reached[(measure.pk, unit.pk)] = progress
                if unit.pk not in sittings:
                    sittings[unit.pk] = _sitting(demo, unit, month, last)
                when = sittings[unit.pk]
                sittings[unit.pk] = when + timedelta(minutes=2)  # the unit's next report of the sitting
                text = narrative(key, measure, demo.rng.randint(2, 30))
                if progress < target - plan.lag_threshold:
                    text += BEHIND_NOTE
                elif measure.deadline and month > measure.deadline:
                    text += LATE_DEADLINE_NOTE
                actuals = {}
                for i in indicators[measure.pk]:
                    share = float(i.target_value) / len(units) * progress / 100 * (0.9 + demo.rng.random() / 5)
                    counted[(i.pk, unit.pk)] = max(counted[(i.pk, unit.pk)], round(share))
                    actuals[i] = Decimal(counted[(i.pk, unit.pk)])
                _schedule_one(demo, measure, unit, month, when, text, progress, actuals)


def _planned(planned: list[tuple[date, int]], month: date, number: int) -> int:
    """The planned cumulative % for `month`: the latest planned month not after it, else a steady twelfth a month."""
    earlier = [(m, percent) for m, percent in planned if m <= month]
    if earlier:
        return max(earlier)[1]
    return 0 if planned else STEADY[number - 1]


def _sitting(demo: DemoYear, unit, month: date, last: bool):
    """When `unit` sends its reports of `month`: between the month's last day and the due day, or late; never
    late for the last month (a unit that is late with it has simply not sent it yet: `Course.silent`)."""
    due = demo.plan.report_due_on(month)
    precinct = demo.precinct
    late = not last and demo.rng.random() < precinct.lateness.get(unit.code, precinct.late_others)
    if unit.pk == demo.organization.pk and month.month % 3 == 0:
        late = False  # 研考承辦 have the precinct's own reports in before each quarter's 管制考核
    day = due + timedelta(days=demo.rng.randint(1, 12)) if late else due - timedelta(days=demo.rng.randint(0, 5))
    return moment(day, demo.rng.randint(8, 16), demo.rng.randint(0, 30))


def _evidence(demo: DemoYear, measure: Measure, month: date, progress: int):
    """An evidence file for a report: a one-page 成果 PDF or a chart PNG."""
    label = f"{month.month}月"
    if demo.rng.random() < 0.5:
        lines = [f"{demo.organization.code} {month:%Y-%m}", f"Measure #{measure.pk}", f"Progress {progress}%"]
        return evidence_upload(f"{label}執行成果.pdf", pdf_bytes(lines), "application/pdf")
    bars = [demo.rng.randint(20, 100) for _ in range(6)]
    return evidence_upload(f"{label}宣導活動照片.png", png_bytes(bars), "image/png")


def _schedule_one(demo: DemoYear, measure, unit, month, when, text, progress, actuals) -> None:
    """One report's life: sent, then accepted, or returned, sent again with evidence and accepted (the
    organisation's own, which 研考承辦 send, by their colleague)."""
    sender, staff, timeline, rng = demo.sender(unit), demo.reviewer(unit), demo.timeline, demo.rng
    report = {}
    files = [_evidence(demo, measure, month, progress)] if rng.random() < demo.precinct.with_evidence else []

    def send():
        report["it"] = report_save(
            measure=measure,
            unit=unit,
            period=month,
            user=sender,
            narrative=text,
            progress=progress,
            actuals=actuals,
            files=files,
            submit=True,
        )

    timeline.add(when, send)
    reviewed = workday(when.date() + timedelta(days=rng.randint(1, 4)))
    review_at = moment(reviewed, rng.randint(14, 16), rng.randint(0, 59))
    if rng.random() >= demo.precinct.returned:
        timeline.add(review_at, lambda: report_review(report=report["it"], user=staff, accept=True, comment=""))
        return
    comment = rng.choice(RETURN_COMMENTS)
    timeline.add(review_at, lambda: report_review(report=report["it"], user=staff, accept=False, comment=comment))
    again = demo.later(review_at, rng.randint(1, 3))
    more = [_evidence(demo, measure, month, progress)]

    def send_again():
        report["it"] = report_save(
            measure=measure,
            unit=unit,
            period=month,
            user=sender,
            narrative=f"{text}（已依審核意見補充佐證資料。）",
            progress=progress,
            actuals=actuals,
            files=more,
            submit=True,
            report=report["it"],
        )

    timeline.add(again, send_again)
    accepted = moment(workday(again.date() + timedelta(days=rng.randint(1, 2))), 15, rng.randint(0, 59))
    timeline.add(
        accepted, lambda: report_review(report=report["it"], user=staff, accept=True, comment="已補正，准予核可。")
    )
