"""書面資料送審 in the current year's demo (`setup_demo`), each precinct's as its `PrecinctYear.sendings` say: the
plan's 送審期限 set in January, then for each sending a real build of the binder with some reports' evidence files
chosen, the submission the next morning, and the bureau's decision (退回補正 with a comment, or 核定). At 士林分局
the first, in May, was returned and the second, after the deadline, accepted; 大同分局 and 內湖分局 were accepted.

Each step on its own date (a `Timeline`); steps still in the future are left out, and nothing at all is done
before the first sending. Idempotent: nothing is added when the plan already has a submission."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from diagnosis.models import Plan
from measures.models import Evidence
from measures.plan_settings import plan_settings_save
from sq_portal.roc_dates import ROC_OFFSET

from .binder_writes import binder_choice_save
from .demo_timeline import PrecinctYear, Timeline, moment
from .models import BinderBuild, Submission
from .submission_writes import submission_create, submission_decide
from .tasks import run_binder_build

BUREAU_ACCOUNT = "bureau"
SUBMISSION_DUE = (5, 31)  # (month, day) of the plan's year
OFFERED = 6  # the first evidence files of the year, offered for the binder


@dataclass(frozen=True)
class Sending:
    """One 書面資料送審: dates are (month, day) of the plan's year."""

    built: tuple[int, int]  # the binder built, at 16:00
    as_of: tuple[int, int]  # … as of this day
    sent: tuple[int, int]  # sent by 研考承辦 at 10:00
    decided: tuple[int, int]  # the bureau's decision at 15:00
    chosen: tuple[int, int]  # (start, stop): which of the offered files are ticked
    comment: str = ""  # the bureau's comment on returning it; empty: accepted


def demo_build(plan: Plan, user, *, as_of: date, offered: list[Evidence], chosen: list[Evidence]) -> BinderBuild:
    """A real build of the plan's binder, run here rather than by a worker: of the `offered` files, exactly the
    `chosen` ones are ticked, each under its measure's 評核項目 and 評核重點 (`binder_choice_save`)."""
    sections: dict[tuple, list[Evidence]] = {}
    for evidence in offered:
        measure = evidence.report.measure
        sections.setdefault((measure.item, measure.focus_point), []).append(evidence)
    for (item, focus_point), files in sections.items():
        binder_choice_save(
            plan=plan,
            item=item,
            focus_point=focus_point,
            user=user,
            included=[e.pk for e in files if e in chosen],
            positions={},
        )
    build = BinderBuild.objects.create(plan=plan, as_of=as_of, requested_by=user)
    run_binder_build(build.pk)
    build.refresh_from_db()
    return build


def demo_submissions_create(plan: Plan, precinct: PrecinctYear) -> str:
    """The plan's submissions (see the module's docstring); what was done, in Chinese."""
    name = plan.organization.name
    if Submission.objects.filter(plan=plan).exists():
        return f"{name}書面資料送審已存在，未變更。"
    users = get_user_model().objects.in_bulk([precinct.staff, BUREAU_ACCOUNT], field_name="username")
    staff, bureau = users.get(precinct.staff), users.get(BUREAU_ACCOUNT)
    if staff is None or bureau is None or not precinct.sendings:
        return f"找不到示範帳號或送審安排，未建立{name}書面資料送審。"
    western = plan.year + ROC_OFFSET

    def day(month_day: tuple[int, int]) -> date:
        return date(western, *month_day)

    timeline = Timeline(timezone.now())
    evidence = list(
        Evidence.objects.filter(report__measure__plan=plan)
        .select_related("report__measure__item", "report__measure__focus_point", "report__unit")
        .order_by("report__period", "pk")[:OFFERED]
    )
    if not timeline.has_happened(moment(day(precinct.sendings[0].sent), 10)) or len(evidence) < OFFERED:
        return f"今年度的示範尚未到{name}書面資料送審的月份，未建立送審。"
    timeline.add(
        moment(day((1, 6)), 15),
        lambda: plan_settings_save(
            plan=plan,
            user=staff,
            closing_date=plan.closing_date,
            report_due_day=plan.report_due_day,
            lag_threshold=plan.lag_threshold,
            courtesy_pass_score=plan.courtesy_pass_score,
            submission_due=day(SUBMISSION_DUE),
        ),
    )
    for sending in precinct.sendings:
        held = {}
        chosen = evidence[slice(*sending.chosen)]

        def build(sending=sending, held=held, chosen=chosen):
            held["build"] = demo_build(plan, staff, as_of=day(sending.as_of), offered=evidence, chosen=chosen)

        def send(held=held):
            held["submission"] = submission_create(plan=plan, build=held["build"], user=staff)

        def decide(sending=sending, held=held):
            submission_decide(
                submission=held["submission"], user=bureau, accept=not sending.comment, comment=sending.comment
            )

        timeline.add(moment(day(sending.built), 16), build)
        timeline.add(moment(day(sending.sent), 10), send)
        timeline.add(moment(day(sending.decided), 15), decide)
    timeline.run()
    done = "、".join(
        f"第 {s.number} 次{'（逾期）' if s.late else ''}{s.get_state_display()}"
        for s in Submission.objects.filter(plan=plan).order_by("number")
    )
    return f"已建立{name}書面資料送審：{done}。"
