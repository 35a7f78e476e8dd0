"""The current year's demo (`demo_year`), beside the monthly reports: a 管制考核 each quarter (closed, with
follow-ups), 電話禮貌測試 each quarter, one 組織診斷 round in March, 創意提案 through their review, two 滿意度調查
with results, 教育訓練 sessions with attendance, and each month's 陳情案件 counts. Each on its own day; what is
the precinct's own (its proposals, training, the unit returned or below the pass score) from its `PrecinctYear`.

`PrecinctYear.proposals`: (month, day, unit code, title, problem, suggestion, [(days later, state, reason), …]).
`PrecinctYear.training`: (month, day, topic, speaker, title, expert, hours, organizer code, counts toward the
indicator)."""

from datetime import date, timedelta

from diagnosis.diagnosis_writes import (
    AnswerInput,
    allotment_save,
    round_close,
    round_open,
    unit_diagnosis_return,
    unit_diagnosis_save,
)
from diagnosis.models import Unit, UnitDiagnosis
from diagnosis.score_reads import framework_of
from diagnosis.scores import even_allotment
from measures.models import Indicator

from .courtesy_writes import courtesy_test_record
from .demo_timeline import DemoYear, add_months, is_training_indicator, moment, workday
from .models import ReviewItem, SatisfactionSurvey, SurveyResult
from .proposal_writes import proposal_file, proposal_transition
from .review_writes import review_close, review_items_save, review_open
from .survey_writes import PetitionFigures, ResultFigures, petition_month_set, survey_results_set, survey_save
from .training_writes import training_session_save

KEEP, RELEASE = ReviewItem.Decision.KEEP, ReviewItem.Decision.RELEASE
FINDINGS = {
    "落後": (
        "累計進度 {progress}%，低於預定進度 {planned}%：人力支援專案勤務，辦理場次不足。",
        "各單位每月至少辦理 2 場，由秘書室彙整追蹤，下次會議報告。",
    ),
    "逾期": (
        "已逾完成期限，累計進度 {progress}%：部分表單須待市府系統修正。",
        "由秘書室協調市府資訊局，於追蹤期限前完成修正並報結。",
    ),
    "待填報": ("單位未依限填報。", "請單位於會後 3 日內補送，並依每月填報期限辦理。"),
}
COURTESY_DATES = ((2, 24), (5, 19), (8, 18), (11, 17))  # each quarter's 電話禮貌測試, five units each (or all)
SURVEYS = (  # (title, period, recorded on, results on, satisfied share by category)
    ("上半年臨櫃洽公服務滿意度調查", (5, 1), (5, 31), (6, 10), (6, 16), (0.86, 0.9, 0.88, 0.84, 0.8)),
    ("下半年臨櫃洽公服務滿意度調查", (10, 1), (10, 31), (11, 5), (11, 12), (0.89, 0.92, 0.9, 0.87, 0.83)),
)


def schedule_activity(demo: DemoYear) -> None:
    _schedule_courtesy(demo)
    _schedule_reviews(demo)
    _schedule_diagnosis(demo)
    _schedule_proposals(demo)
    _schedule_surveys(demo)
    _schedule_training(demo)
    _schedule_petitions(demo)


def _schedule_courtesy(demo: DemoYear) -> None:
    units, low = demo.units, demo.precinct.low_courtesy
    for quarter, (month, day) in enumerate(COURTESY_DATES):
        tested_on = demo.day(month, day)
        tested = [units[(quarter * 5 + n) % len(units)] for n in range(min(5, len(units)))]
        tested += [demo.unit(code) for (m, code) in low if m == month and demo.unit(code) not in tested]
        for unit in tested:
            score = low.get((month, unit.code), demo.rng.randint(82, 97))
            findings = (
                "接聽時未報單位及職稱，用語欠親切。"
                if score < demo.plan.courtesy_pass_score
                else "應對得體，轉接迅速。"
            )
            demo.timeline.add(
                moment(tested_on, 10, demo.rng.randint(0, 59)),
                lambda u=unit, s=score, f=findings, t=tested_on: courtesy_test_record(
                    plan=demo.plan,
                    unit=u,
                    tested_on=t,
                    score=s,
                    findings=f,
                    tester="督察組電話禮貌測試小組",
                    user=demo.staff,
                ),
            )


def _schedule_reviews(demo: DemoYear) -> None:
    """A 管制考核 each quarter: as of the 10th of April, July and October (the last quarter's reports in), the
    meeting on the 15th; every item decided, 落後 and 逾期 kept under control with a unit and a date, then closed."""
    for quarter, month in enumerate((4, 7, 10), start=1):
        as_of, meeting = demo.day(month, 10), workday(demo.day(month, 15))
        review = {}
        title = f"{demo.plan.year}年第{quarter}季服務品質管制考核會議"

        def open_it(as_of=as_of, meeting=meeting, title=title, review=review):
            review["it"] = review_open(plan=demo.plan, as_of=as_of, meeting_date=meeting, title=title, user=demo.staff)

        demo.timeline.add(moment(meeting, 9, 30), open_it)
        demo.timeline.add(
            moment(meeting, 11, 40), lambda review=review, meeting=meeting: _decide(demo, review["it"], meeting)
        )
        demo.timeline.add(
            moment(meeting, 16, 10), lambda review=review: review_close(review=review["it"], user=demo.staff)
        )


def _decide(demo: DemoYear, review, meeting: date) -> None:
    follow_up_due = add_months(meeting.replace(day=1), 2) - timedelta(days=1)  # the end of the next month
    follow_up_unit = demo.unit(demo.precinct.follow_up_unit)
    items = list(review.items.order_by("pk"))
    for item in items:
        finding, action = FINDINGS.get(item.status_label, ("已改善，進度符合預定。", ""))
        item.finding = finding.format(progress=item.progress or 0, planned=item.planned or 0)
        item.action = action
        item.follow_up_unit_id = item.follow_up_unit_id or follow_up_unit.pk
        keep = item.status_label in ("落後", "逾期")
        item.decision = KEEP if keep else RELEASE
        item.follow_up_due = follow_up_due if keep else None
    courtesy_items = list(review.courtesy_items.select_related("courtesy_test").order_by("pk"))
    for item in courtesy_items:
        keep = item.courtesy_test.score < item.pass_score
        item.finding = f"最近一次測試 {item.courtesy_test.score:g} 分。"
        item.action = "由督察組加強電話禮貌教育並於下季複測。" if keep else "複測及格。"
        item.decision = KEEP if keep else RELEASE
        item.follow_up_due = follow_up_due if keep else None
    review_items_save(review=review, items=items, courtesy_items=courtesy_items, user=demo.staff)


def _schedule_diagnosis(demo: DemoYear) -> None:
    """研考承辦 allot the points in February and open the round on 3/2 (due 3/31); every unit fills its
    self-check and sends it; one is returned and sent again; the round closes on 4/7."""
    plan, staff, rng = demo.plan, demo.staff, demo.rng
    item_points, point_points = even_allotment(framework_of(plan))
    holder = {}
    demo.timeline.add(
        moment(demo.day(2, 25), 15),
        lambda: allotment_save(plan=plan, points={"items": item_points, "focus_points": point_points}, user=staff),
    )

    def open_round():
        holder["round"] = round_open(
            plan=plan, title=f"{plan.year}年組織診斷", opens_on=demo.day(3, 2), due_on=demo.day(3, 31), user=staff
        )

    demo.timeline.add(moment(demo.day(3, 2), 9, 30), open_round)
    problems = (
        "櫃檯等候動線未標示清楚。",
        "網站部分申辦資訊未即時更新。",
        "夜間洽公時段人力不足。",
        "表單仍須民眾重複填寫基本資料。",
    )
    for unit in [u for u in demo.units if u.parent_id == demo.organization.pk and demo.has_sender(u)]:
        head = demo.heads[unit.pk]
        answers = {}
        for pk, points in point_points.items():
            score = round(points * rng.uniform(0.65, 0.95))
            weak = score < points * 0.7
            answers[pk] = AnswerInput(
                score=score,
                problems=rng.choice(problems) if weak else "",
                improvements="列入下半年改善措施。" if weak else "",
            )
        sent = demo.day(3, rng.randint(9, 25))

        def fill(unit=unit, head=head, answers=answers):
            diagnosis = UnitDiagnosis.objects.get(round=holder["round"], unit=unit)
            unit_diagnosis_save(diagnosis=diagnosis, answers=answers, submit=True, user=head)

        demo.timeline.add(moment(sent, rng.randint(9, 16), rng.randint(0, 59)), fill)
        if unit.code == demo.precinct.diagnosis_returned:  # returned by staff, sent again

            def send_back(unit=unit):
                diagnosis = UnitDiagnosis.objects.get(round=holder["round"], unit=unit)
                unit_diagnosis_return(diagnosis=diagnosis, reason="各評核重點的問題與改善方向請具體填寫。", user=staff)

            demo.timeline.add(moment(demo.day(3, 27), 10), send_back)
            demo.timeline.add(moment(demo.day(3, 30), 15), fill)
    demo.timeline.add(moment(demo.day(4, 7), 10), lambda: round_close(diagnosis_round=holder["round"], user=staff))


def _schedule_proposals(demo: DemoYear) -> None:
    for month, day, code, title, problem, suggestion, steps in demo.precinct.proposals:
        unit = demo.unit(code)
        filed = moment(demo.day(month, day), 10, demo.rng.randint(0, 59))
        proposal = {}

        def file_it(unit=unit, title=title, problem=problem, suggestion=suggestion, proposal=proposal):
            proposal["it"] = proposal_file(
                plan=demo.plan,
                unit=unit,
                title=title,
                problem=problem,
                suggestion=suggestion,
                user=demo.heads.get(unit.pk, demo.staff),
            )

        demo.timeline.add(filed, file_it)
        for days, state, reason in steps:

            def decide(state=state, reason=reason, proposal=proposal):
                proposal["it"].refresh_from_db()
                proposal_transition(
                    proposal=proposal["it"],
                    to_state=state,
                    reason=reason,
                    expected_state=proposal["it"].state,
                    user=demo.staff,
                )

            demo.timeline.add(moment(workday(filed.date() + timedelta(days=days)), 14), decide)


def _schedule_surveys(demo: DemoYear) -> None:
    categories = [c for c, _ in SurveyResult.Category.choices]
    for title, start, end, recorded, results_on, shares in SURVEYS:
        survey = {}
        values = {
            "title": f"{demo.plan.year}年{title}",
            "period_start": demo.day(*start),
            "period_end": demo.day(*end),
            "design": "臨櫃洽公民眾現場填寫問卷，五點量表；內部同仁以線上問卷調查。",
            "population": 9000,
            "sampling_method": SatisfactionSurvey.Sampling.SYSTEMATIC,
            "sample_size": 600,
        }
        respondents = {c: demo.rng.randint(540, 600) for c in categories}
        results = {
            c: ResultFigures(respondents[c], round(respondents[c] * share))
            for c, share in zip(categories, shares, strict=True)
        }

        def record(values=values, survey=survey):
            survey["it"] = survey_save(plan=demo.plan, user=demo.staff, **values)

        demo.timeline.add(moment(workday(demo.day(*recorded)), 10), record)
        demo.timeline.add(
            moment(workday(demo.day(*results_on)), 15),
            lambda survey=survey, results=results: survey_results_set(
                survey=survey["it"], user=demo.staff, results=results
            ),
        )


def _schedule_training(demo: DemoYear) -> None:
    indicators = Indicator.objects.filter(measure__plan=demo.plan, retired_at__isnull=True).select_related(
        "measure__item"
    )
    indicator = next((i for i in indicators if is_training_indicator(i)), None)
    for month, day, topic, speaker, title, expert, hours, organizer, counts in demo.precinct.training:
        held_on = demo.day(month, day)
        attendance = {unit: demo.rng.randint(2, 12) for unit in demo.units}
        values = {
            "held_on": held_on,
            "topic": topic,
            "speaker": speaker,
            "speaker_title": title,
            "speaker_is_expert": expert,
            "hours": hours,
            "place": demo.precinct.training_place,
            "organizer": demo.unit(organizer),
            "indicator": indicator if counts else None,
        }
        demo.timeline.add(
            moment(held_on + timedelta(days=1), 11),
            lambda values=values, attendance=attendance: training_session_save(
                plan=demo.plan, user=demo.staff, values=values, attendance=attendance
            ),
        )


def _schedule_petitions(demo: DemoYear) -> None:
    """Each month's 陳情案件 of every 派出所, recorded on the 10th of the next month."""
    stations = [u for u in demo.units if u.kind == Unit.Kind.STATION]
    for month in demo.months():
        counts = {}
        for unit in stations:
            closed = demo.rng.randint(2, 14)
            dissatisfied = demo.rng.choice((0, 0, 0, 1, 1, 2))
            counts[unit] = PetitionFigures(closed, max(0, closed - dissatisfied - demo.rng.randint(0, 1)), dissatisfied)
        demo.timeline.add(
            moment(workday(add_months(month, 1).replace(day=10)), 11),
            lambda month=month, counts=counts: petition_month_set(
                plan=demo.plan, month=month, user=demo.staff, counts=counts
            ),
        )
