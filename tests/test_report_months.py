"""Reports count for their month whenever they were sent; a report sent after its due day is 逾時填報 (and stays
so when it is returned and sent again); the year's reports change until the plan's 結算日; a report's month lies
within the plan; 研考承辦 report for the precinct itself."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from diagnosis.models import Unit
from measures.models import Measure, ProgressReport
from measures.progress import PlanProgress, late_report_counts
from measures.report_writes import ReportStateError, report_delete, report_review, report_save, report_withdraw
from measures.reporters import units_reported_for, unreportable
from measures.status import Status

pytestmark = pytest.mark.django_db
TAIPEI = ZoneInfo("Asia/Taipei")


def at(year, month, day, hour=10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=TAIPEI), tick=False)


@pytest.fixture
def measure(plan_106):
    """附表2 主動服務 (undated, reported monthly): 主辦 秘書室, 協辦 偵查隊, 各單位."""
    return plan_106.measures.prefetch_related("lead_units", "support_units").get(source=Measure.Source.FORM2, name="主動服務")


def send(measure, code, period, progress, user, report=None):
    return report_save(
        measure=measure, unit=Unit.objects.get(code=code), period=period, user=user, narrative="本月辦理情形",
        progress=progress, actuals={}, submit=True, report=report,
    )


def test_a_late_report_counts_for_its_month_and_is_marked_late(measure, user, plan_106):
    tianmu = Unit.objects.get(code="shilin-tianmu")
    with at(2017, 6, 5, 23):  # May's report on its due day, late in the evening: on time
        on_time = send(measure, "shilin-tianmu", date(2017, 5, 1), 40, user("tianmu"))
    with at(2017, 8, 20):  # April's report, due 5/5, filed in August
        late = send(measure, "shilin-tianmu", date(2017, 4, 1), 30, user("tianmu"))
    assert (on_time.sent_late, late.sent_late) == (False, True)
    assert late.first_submitted_at == datetime(2017, 8, 20, 10, tzinfo=TAIPEI)
    # Looking back as of 4/30, April shows what was reported for it, though it was sent in August.
    assert PlanProgress.load(plan_106, date(2017, 4, 30)).unit_status[(measure.pk, tianmu.pk)].progress == 30
    assert late_report_counts(plan_106) == {tianmu.pk: 1}


def test_a_report_returned_and_sent_again_keeps_its_first_sending(measure, user):
    with at(2017, 6, 3):
        report = send(measure, "shilin-tianmu", date(2017, 5, 1), 40, user("tianmu"))
    with at(2017, 6, 4):
        report_review(report=report, user=user("secretariat"), accept=False, comment="請補佐證")
    with at(2017, 6, 20):  # after the due day: the report was still sent on time
        report = send(measure, "shilin-tianmu", date(2017, 5, 1), 45, user("tianmu"), report=report)
    report.refresh_from_db()
    assert report.submitted_at.astimezone(TAIPEI).day == 20 and report.first_submitted_at.astimezone(TAIPEI).day == 3
    assert report.sent_late is False


def test_returned_reports_and_drafts_do_not_count(measure, user, plan_106):
    tianmu = Unit.objects.get(code="shilin-tianmu")
    with at(2017, 6, 3):
        report = send(measure, "shilin-tianmu", date(2017, 5, 1), 40, user("tianmu"))
        report_review(report=report, user=user("secretariat"), accept=False, comment="請補佐證")
    assert PlanProgress.load(plan_106, date(2017, 6, 10)).unit_status[(measure.pk, tianmu.pk)].status == Status.REPORT_DUE


def test_the_year_is_open_until_its_closing_date_and_closed_after_it(measure, user, plan_106):
    plan_106.closing_date = None  # the default: 107/01/31
    plan_106.save()
    assert plan_106.closes_on == date(2018, 1, 31)
    with at(2018, 1, 31, 23):  # December's report, in January, on the 結算日 itself
        december = send(measure, "shilin-tianmu", date(2017, 12, 1), 100, user("tianmu"))
    assert december.sent_late is True  # due 107/01/05
    before = ProgressReport.objects.count()
    with at(2018, 2, 1, 0):
        for write in (
            lambda: send(measure, "shilin-tianmu", date(2017, 11, 1), 90, user("tianmu")),
            lambda: report_withdraw(report=december, user=user("tianmu")),
            lambda: report_review(report=december, user=user("secretariat"), accept=True, comment=""),
        ):
            with pytest.raises(ReportStateError, match="本年度計畫已於 107/01/31 結算"):
                write()
    december.refresh_from_db()
    assert december.status == ProgressReport.Status.SUBMITTED and ProgressReport.objects.count() == before


def test_a_draft_cannot_be_deleted_after_the_closing_date(measure, user, plan_106):
    with at(2017, 6, 3):
        draft = report_save(measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1),
                            user=user("tianmu"), narrative="x", progress=10, actuals={}, submit=False)
    plan_106.closing_date = date(2018, 1, 31)
    plan_106.save()
    with at(2018, 3, 1), pytest.raises(ReportStateError, match="結算"):
        report_delete(report=draft, user=user("tianmu"))
    assert ProgressReport.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("period", [date(2016, 12, 1), date(2018, 1, 1), date(2017, 5, 2)])
def test_a_report_for_a_month_outside_the_plan_is_refused(measure, user, period):
    with at(2017, 6, 3), pytest.raises(ReportStateError, match="不在計畫執行期程"):
        send(measure, "shilin-tianmu", period, 10, user("tianmu"))
    assert not ProgressReport.objects.exists()


def test_staff_report_for_the_precinct_and_a_colleague_reviews_it(client, user, plan_106):
    form1 = plan_106.measures.get(source="form1", name="服務及時性")
    client.force_login(user("secretariat"))
    with at(2017, 6, 3):
        response = client.post(
            f"/plans/106/measures/{form1.pk}/reports/new/",
            {"unit": plan_106.organization_id, "period": "2017-05-01", "narrative": "本分局辦理情形", "progress": "50", "submit": "1"},
        )
    assert response.status_code == 302
    report = ProgressReport.objects.get(measure=form1)
    assert report.unit_id == plan_106.organization_id and report.submitted_by == user("secretariat")
    with pytest.raises(Exception, match="不能審核自己送出的填報"):
        report_review(report=report, user=user("secretariat"), accept=True, comment="")
    with at(2017, 6, 4):
        report_review(report=report, user=user("admin"), accept=True, comment="")
    assert PlanProgress.load(plan_106, date(2017, 6, 10)).status[form1.pk].status == Status.IN_PROGRESS


def test_nobody_can_report_a_measure_whose_units_have_no_head_and_the_plan_lists_it(plan_106, client, user):
    progress = PlanProgress.counts(plan_106, date(2017, 5, 31))
    assert unreportable(progress, units_reported_for(plan_106)) == []  # the demo: every measure has someone
    lone = plan_106.measures.get(source="form2", name="無")
    lone.lead_units.add(Unit.objects.get(code="shilin-command"))  # 勤務指揮中心: no head account
    progress = PlanProgress.counts(plan_106, date(2017, 5, 31))
    assert [m.pk for m in unreportable(progress, units_reported_for(plan_106))] == [lone.pk]
    client.force_login(user("secretariat"))
    html = client.get("/plans/106/dashboard/?as_of=106/05/31").content.decode()
    assert "無人可填報的措施（1）" in html and f"/plans/106/measures/{lone.pk}/" in html
