"""書面資料送審 in the current year's demo (`setup_demo`): the plan's 送審期限 set in January, a real build of the
binder with four reports' evidence files chosen, a first submission in May that the bureau returned with a comment, and a second one, sent after the deadline, pending.

Each step on its own date (`demo_timeline.run_at`); steps still in the future are left out. Idempotent: nothing is
added when the plan already has a submission."""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from diagnosis.models import Plan
from measures.models import Evidence
from measures.plan_settings import plan_settings_save
from sq_portal.roc_dates import ROC_OFFSET

from .binder_writes import binder_choice_save
from .demo_timeline import moment, run_at
from .demo_year import ORGANIZATION, SOURCE_YEAR, STAFF_ACCOUNT
from .models import BinderBuild, Submission
from .submission_writes import submission_create, submission_decide
from .tasks import run_binder_build

BUREAU_ACCOUNT = "bureau"
RETURN_COMMENT = "附表2「服務友善」措施缺少本年度辦理成果，請補充佐證資料（如照片、統計表）後再送審。"


def demo_build(plan: Plan, user, *, as_of: date, offered: list[Evidence], chosen: list[Evidence]) -> BinderBuild:
    """A real build of the plan's binder, run here rather than by a worker: of the `offered` files, exactly the
    `chosen` ones are ticked, each under its measure's 評核項目 and 評核重點 (`binder_choice_save`)."""
    sections: dict[tuple, list[Evidence]] = {}
    for evidence in offered:
        measure = evidence.report.measure
        sections.setdefault((measure.item, measure.focus_point), []).append(evidence)
    for (item, focus_point), files in sections.items():
        binder_choice_save(
            plan=plan, item=item, focus_point=focus_point, user=user,
            included=[e.pk for e in files if e in chosen], positions={},
        )
    build = BinderBuild.objects.create(plan=plan, as_of=as_of, requested_by=user)
    run_binder_build(build.pk)
    build.refresh_from_db()
    return build


def demo_submissions_create() -> str:
    """The demo plan's submissions (see the module's docstring); what was done, in Chinese."""
    plan = (
        Plan.objects.filter(organization__code=ORGANIZATION, year__gt=SOURCE_YEAR)
        .select_related("organization")
        .order_by("-year")
        .first()
    )
    if plan is None:
        return "沒有今年度的示範計畫，未建立書面資料送審。"
    if Submission.objects.filter(plan=plan).exists():
        return "書面資料送審已存在，未變更。"
    users = get_user_model().objects.in_bulk([STAFF_ACCOUNT, BUREAU_ACCOUNT], field_name="username")
    staff, bureau = users.get(STAFF_ACCOUNT), users.get(BUREAU_ACCOUNT)
    if staff is None or bureau is None:
        return "找不到示範帳號，未建立書面資料送審。"
    western = plan.year + ROC_OFFSET
    now = timezone.now()
    evidence = list(
        Evidence.objects.filter(report__measure__plan=plan)
        .select_related("report__measure__item", "report__measure__focus_point", "report__unit")
        .order_by("report__period", "pk")[:6]
    )

    def happened(day: date, hour: int) -> bool:
        return moment(day, hour) < now

    if not happened(date(western, 6, 3), 14) or len(evidence) < 6:
        return "今年度的示範尚未到書面資料送審的月份，未建立送審。"
    run_at(
        moment(date(western, 1, 6), 15),
        lambda: plan_settings_save(
            plan=plan,
            user=staff,
            closing_date=plan.closing_date,
            report_due_day=plan.report_due_day,
            lag_threshold=plan.lag_threshold,
            courtesy_pass_score=plan.courtesy_pass_score,
            submission_due=date(western, 5, 31),
        ),
    )
    first_build = run_at(
        moment(date(western, 5, 18), 16),
        lambda: demo_build(plan, staff, as_of=date(western, 4, 30), offered=evidence, chosen=evidence[:4]),
    )
    first = run_at(
        moment(date(western, 5, 20), 10), lambda: submission_create(plan=plan, build=first_build, user=staff)
    )
    run_at(
        moment(date(western, 5, 27), 15),
        lambda: submission_decide(submission=first, user=bureau, accept=False, comment=RETURN_COMMENT),
    )
    # The correction: two more files, one taken out.
    second_build = run_at(
        moment(date(western, 6, 2), 17),
        lambda: demo_build(plan, staff, as_of=date(western, 5, 31), offered=evidence, chosen=evidence[1:]),
    )
    run_at(moment(date(western, 6, 3), 10), lambda: submission_create(plan=plan, build=second_build, user=staff))
    return "已建立書面資料送審：第 1 次已退回補正，第 2 次（逾期）待警察局審查。"
