"""`setup_demo`'s current year (`assessments.demo_year`): the plan of the year of last month, copied from 106, with
its year so far replayed through the service functions on their own dates; something in every status on the
dashboard as of today; a second run changes nothing."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    BinderBuild,
    ControlReview,
    PlanFigures,
    Proposal,
    ReviewItem,
    SatisfactionSurvey,
    ScoringRound,
    Submission,
    SubmissionFile,
    TrainingSession,
)
from diagnosis.demo_accounts import UNIT_HEAD_ACCOUNTS
from diagnosis.models import DiagnosisAnswer, DiagnosisRound, Plan, Unit, UnitDiagnosis
from measures.models import Evidence, IndicatorActual, Measure, ProgressReport
from measures.progress import PlanProgress, default_as_of
from measures.status import Status

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
DECEMBER_6 = datetime(2026, 12, 6, 9, 0, tzinfo=TAIPEI)
JANUARY_7 = datetime(2027, 1, 7, 9, 0, tzinfo=TAIPEI)


def setup_demo() -> str:
    out = StringIO()
    call_command("setup_demo", "--force", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def statuses(plan: Plan, as_of: date) -> dict[Status, int]:
    progress = PlanProgress.counts(plan, as_of)
    return dict(progress.counts_for(progress.measures).ordered())


@pytest.fixture
def demo(evidence_dir):
    return evidence_dir


def test_it_replays_the_current_year_up_to_last_month(demo, plan_106, client, user):
    plan_106_measures = list(plan_106.measures.order_by("pk").values_list("pk", "name", "deadline", "version"))
    with time_machine.travel(DECEMBER_6, tick=False):
        text = setup_demo()
        plan = Plan.objects.get(organization__code="tcpd-shilin", year=115)
        assert f"已建立「{plan}」並重演至 11 月" in text
        for account in UNIT_HEAD_ACCOUNTS:
            assert account.username in text

        # Every status, as of today, on the dashboard 研考承辦 open.
        counts = statuses(plan, default_as_of(plan))
        assert all(counts[status] >= 1 for status in Status), counts
        client.force_login(user("secretariat"))
        page = client.get(reverse("assessments:plan_dashboard", kwargs={"year": 115})).content.decode()
        assert all(str(status) in page for status in Status)

    # The 106 plan stays as the seed gives it.
    assert list(plan_106.measures.order_by("pk").values_list("pk", "name", "deadline", "version")) == plan_106_measures
    assert not ProgressReport.objects.filter(measure__plan=plan_106).exists()

    reports = ProgressReport.objects.filter(measure__plan=plan).select_related("unit", "submitted_by")
    assert {r.period for r in reports} == {date(2026, month, 1) for month in range(1, 12)}
    assert all(r.submitted_at < DECEMBER_6 for r in reports)
    # Every unit of 士林分局 reports, by its head's account; the precinct's own reports by 研考承辦.
    senders = {(r.unit.code, r.submitted_by.username) for r in reports}
    units = Unit.objects.filter(parent__code="tcpd-shilin")
    assert {code for code, _ in senders} == {*units.values_list("code", flat=True), "tcpd-shilin"}
    assert ("tcpd-shilin", "secretariat") in senders and ("shilin-xishan", "xishan") in senders
    # Some sent after their due date (day 5 of the next month); some returned, then sent again and accepted.
    late = reports.filter(sent_late=True)
    assert late.filter(unit__code="shilin-xishan").count() >= 10 and late.exclude(unit__code="shilin-xishan").exists()
    assert all(timezone.localdate(r.first_submitted_at) > plan.report_due_on(r.period) for r in late)
    returned = set(ProgressReport.history.filter(measure__plan=plan, status="returned").values_list("id", flat=True))
    assert reports.filter(pk__in=returned, status=ProgressReport.Status.ACCEPTED).count() >= 5
    assert Evidence.objects.filter(report__in=reports).count() >= 50
    # Besides the reports' evidence: the demo's two binder builds (a PDF and a zip each) and its submissions' 附表.
    assert (
        len(list(demo.rglob("*.*")))
        == Evidence.objects.count() + 2 * BinderBuild.objects.count() + SubmissionFile.objects.count()
    )
    submissions = Submission.objects.filter(plan=plan).order_by("number")
    assert [(s.state, s.late, bool(s.comment)) for s in submissions] == [
        ("returned", False, True),
        ("accepted", True, False),
    ]
    assert {s.submitted_at.date() for s in submissions} == {date(2026, 5, 20), date(2026, 6, 3)}
    assert [s.decided_by.username for s in submissions] == ["bureau", "bureau"]
    # Each submission sent a real build of the binder: its pages (cover, contents, a page per focus point) and the files chosen.
    assert [(s.build.state, s.build.pages > 30, len(s.build.manifest)) for s in submissions] == [
        ("done", True, 4),
        ("done", True, 5),
    ]
    # 落後: a measure all units are behind on, and one unit behind on another.
    progress = PlanProgress.counts(plan, date(2026, 12, 6))
    shezi = Unit.objects.get(code="shilin-shezi")
    assert progress.unit_counts(shezi).count(Status.LAGGING) >= 2
    # Indicators move month by month.
    values = list(
        IndicatorActual.objects.filter(
            report__in=reports, report__unit__code="shilin-wenlin", indicator__name__startswith="e 點通"
        )
        .order_by("report__period")
        .values_list("value", flat=True)
    )
    assert len(values) == 11 and values == sorted(values) and values[0] < values[-1]

    # A 管制考核 each quarter, closed, with items kept under control for a unit by a date.
    reviews = ControlReview.objects.filter(plan=plan)
    assert reviews.count() == 3 and not reviews.exclude(state=ControlReview.State.CLOSED).exists()
    kept = ReviewItem.objects.filter(review__plan=plan, decision=ReviewItem.Decision.KEEP)
    assert (
        kept.exists() and not kept.filter(follow_up_unit=None).exists() and not kept.filter(follow_up_due=None).exists()
    )
    assert reviews.filter(courtesy_items__decision=ReviewItem.Decision.KEEP).exists()
    # One 組織診斷 round, every unit's self-check sent; proposals (some 採行), surveys, training.
    round_ = DiagnosisRound.objects.get(plan=plan)  # 士林分局's
    assert round_.state == DiagnosisRound.State.CLOSED
    assert not UnitDiagnosis.objects.filter(round=round_).exclude(state=UnitDiagnosis.State.SUBMITTED).exists()
    assert Proposal.objects.filter(plan=plan, state__in=["adopted", "implemented"]).count() >= 2
    assert SatisfactionSurvey.objects.filter(plan=plan, results__isnull=False).distinct().count() == 2
    assert TrainingSession.objects.filter(plan=plan, attendances__isnull=False).distinct().count() == 5
    # Dates are the actions' own: a January edit, a March self-check, an April review.
    assert Measure.history.filter(plan=plan, history_type="~").earliest("history_date").history_date.date() == date(
        2026, 1, 6
    )
    assert reviews.order_by("as_of").first().created_at.date() == date(2026, 4, 15)

    the_bureaus_precincts_have_a_year_each(client, user)

    # A second run changes nothing.
    before, files = row_counts(), len(list(demo.rglob("*.*")))
    with time_machine.travel(DECEMBER_6, tick=False):
        assert "已存在，未變更" in setup_demo()
    assert row_counts() == before
    assert len(list(demo.rglob("*.*"))) == files


def the_bureaus_precincts_have_a_year_each(client, user) -> None:
    """大同分局 and 內湖分局 beside 士林分局: each its year of reports by its own units' heads (some late, some returned,
    some behind), a closed 管制考核 with items kept under control, a 組織診斷 with self-check scores and a submission
    the bureau accepted with a real build; their figures differ; the scoring round over the three is closed and
    its reviewers see the accepted submission and the self-check beside the sheet."""
    plans = {p.organization.code: p for p in Plan.objects.filter(year=115).select_related("organization")}
    assert set(plans) == {"tcpd-shilin", "tcpd-datong", "tcpd-neihu"}
    for code, plan in plans.items():
        assert plan.organization.name in plan.title and (code == "tcpd-shilin" or "士林" not in plan.title)
        reports = ProgressReport.objects.filter(measure__plan=plan)
        senders = set(reports.values_list("unit__code", "submitted_by__username"))
        assert {unit for unit, _ in senders} == {
            code,
            *Unit.objects.filter(parent__code=code).values_list("code", flat=True),
        }
        assert reports.filter(sent_late=True).exists()
        returned = ProgressReport.history.filter(measure__plan=plan, status="returned").values_list("id", flat=True)
        assert reports.filter(pk__in=returned, status=ProgressReport.Status.ACCEPTED).exists()
        assert ControlReview.objects.filter(plan=plan, state=ControlReview.State.CLOSED).exists()
        kept = ReviewItem.objects.filter(review__plan=plan, decision=ReviewItem.Decision.KEEP)
        assert kept.exists() and not kept.filter(follow_up_due=None).exists()
        scores = DiagnosisAnswer.objects.filter(
            unit_diagnosis__round__plan=plan, unit_diagnosis__state=UnitDiagnosis.State.SUBMITTED
        )
        assert scores.filter(score__gt=0).count() >= 10
        accepted = Submission.objects.get(plan=plan, state=Submission.State.ACCEPTED)
        assert accepted.build.state == "done" and accepted.build.pages > 30 and accepted.build.manifest
        assert accepted.decided_by.username == "bureau"
        assert PlanFigures.objects.get(plan=plan).diagnosis_total is not None
    assert ("tcpd-datong", "datong-staff") in senders_of(plans["tcpd-datong"])
    assert ("datong-ningxia", "datong-ningxia") in senders_of(plans["tcpd-datong"])
    figures = PlanFigures.objects.filter(plan__in=plans.values())
    assert len({(f.late_reports, f.lagging, f.diagnosis_total) for f in figures}) == 3
    assert PlanFigures.objects.get(plan=plans["tcpd-datong"]).lagging >= 2

    scoring_round = ScoringRound.objects.get(year=115)
    assert scoring_round.state == ScoringRound.State.PUBLISHED
    assert {p.plan.organization.code for p in scoring_round.precincts.select_related("plan__organization")} == set(
        plans
    )
    datong = scoring_round.precincts.get(plan=plans["tcpd-datong"])
    client.force_login(user("reviewer1"))
    page = client.get(
        reverse("assessments:scoring_sheet", kwargs={"pk": scoring_round.pk, "precinct_pk": datong.pk, "position": 1})
    )
    assert page.status_code == 200
    assert page.context["submission"] == Submission.objects.get(
        plan=plans["tcpd-datong"], state=Submission.State.ACCEPTED
    )
    assert any(row.self_check.average is not None for row in page.context["form"].sheet_rows)


def senders_of(plan: Plan) -> set[tuple[str, str]]:
    return set(ProgressReport.objects.filter(measure__plan=plan).values_list("unit__code", "submitted_by__username"))


def test_in_january_it_replays_the_year_just_ended(demo):
    """In January the year of last month is the one just ended, open until its 結算日 (1/31): its December reports
    are being sent. What is not finished by then is 逾期; 賡續辦理 measures are 執行中 or 待填報."""
    with time_machine.travel(JANUARY_7, tick=False):
        setup_demo()
        assert not Plan.objects.filter(year=116).exists()
        plan = Plan.objects.get(organization__code="tcpd-shilin", year=115)
        reports = ProgressReport.objects.filter(measure__plan=plan)
        assert reports.filter(period=date(2026, 12, 1), submitted_at__date__gte=date(2027, 1, 1)).exists()
        assert not reports.filter(submitted_at__gte=JANUARY_7).exists()
        counts = statuses(plan, default_as_of(plan))
        assert all(
            counts[status] >= 1 for status in (Status.DONE, Status.OVERDUE, Status.IN_PROGRESS, Status.REPORT_DUE)
        ), counts
