"""The plan and unit dashboards as of a date: statuses, points at risk, unit rows, a fixed query cost."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import FocusPoint, Unit
from measures.models import Measure, PlannedProgress, ProgressReport
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit
from measures.progress import NO_REPORTS, PlanProgress, StatusCounts, default_as_of, measure_facts, planned_progress
from measures.status import STATUS_ORDER, Status, measure_status
from measures.unit_progress import unit_progress
from tests.machinery_fixtures import machinery

from .conftest import copy_measures, count_queries

pytestmark = pytest.mark.django_db
DASHBOARD = "/plans/106/dashboard/"


def sent(measure, unit_code, period, progress, day=None):
    """A report sent (and counted) on `day`."""
    unit = Unit.objects.get(code=unit_code)
    moment = timezone.make_aware(datetime.combine(day or period, datetime.min.time().replace(hour=10)))
    return ProgressReport.objects.create(
        measure=measure, unit=unit, period=period, narrative="x", progress=progress,
        status=ProgressReport.Status.SUBMITTED, submitted_at=moment,
    )


def test_a_closed_plan_is_seen_as_of_its_closing_date_and_an_open_one_as_of_today(plan_106):
    plan_106.closing_date = None  # the default: a month after the plan's end, 107/01/31
    assert default_as_of(plan_106, today=date(2026, 11, 26)) == date(2018, 1, 31)
    assert default_as_of(plan_106, today=date(2018, 1, 10)) == date(2018, 1, 10)  # December's reports coming in
    assert default_as_of(plan_106, today=date(2017, 5, 31)) == date(2017, 5, 31)
    assert default_as_of(plan_106, today=date(2016, 5, 31)) == date(2017, 1, 1)


def test_the_seed_plan_as_it_stood_on_106_05_31(plan_106):
    progress = PlanProgress.load(plan_106, date(2017, 5, 31))
    counts = progress.counts_for(progress.measures)
    # Every row of the seed reports monthly (23 賡續辦理, 14 without a deadline) and none has sent April's,
    # due on 5/5: all 37 are 待填報, none is 未開始 as if all were well.
    assert (counts.count(Status.REPORT_DUE), counts.count(Status.NOT_STARTED), counts.total) == (37, 0, 37)


@pytest.mark.parametrize("username", ["secretariat", "viewer"])
def test_staff_and_viewers_see_the_plan_dashboard(client, user, username):
    client.force_login(user(username))
    response = client.get(DASHBOARD + "?as_of=106/05/31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "以 <strong>106年5月31日</strong> 為基準，列管措施 37 項" in html
    assert "基礎服務（200 分）" in html and "開放創新（100 分）" in html
    assert "天母派出所" in html and "<svg" in html
    assert 'role="img" aria-label="全計畫：待填報 37 項"' in html


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("105/12/31", "檢視基準日 105/12/31 不在計畫執行期程至結算日（106/01/01至"),
        ("106/02/29", "106/02/29 不是有效的日期"),
        ("<script>", "檢視基準日「&lt;script&gt;」無法使用"),
        ("x" * 500, "無法使用"),
    ],
)
def test_an_unusable_as_of_date_is_a_chinese_message(client, user, as_of, message):
    client.force_login(user("viewer"))
    response = client.get(DASHBOARD, {"as_of": as_of})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_names_focus_points_at_risk_and_never_claims_all_is_well_while_nothing_is_reported(client, user, plan_106):
    measure = plan_106.measures.get(source="form1", item__name="服務友善", focus_point__name="其他服務作法")
    measure.deadline = date(2017, 3, 31)
    measure.save()
    client.force_login(user("secretariat"))
    html = client.get(DASHBOARD + "?as_of=106.5.31").content.decode()
    focus_points = FocusPoint.objects.filter(item__dimension__plan=plan_106).count()
    # Nothing reported: no focus point has a measure 執行中 or 已完成, so every one may lose points.
    assert f"可能失分的評核重點（{focus_points}）" in html and "每個評核重點都有" not in html
    assert "基礎服務（200 分）</td><td data-label=\"評核項目\">服務友善</td>" in html
    assert "沒有執行中或已完成的措施：逾期 1 項" in html and "沒有執行中或已完成的措施：待填報 1 項" in html
    # April's report (due 5/5) of the only measure of 服務及時性, sent late on 5/20: 執行中, no longer at risk.
    timely = plan_106.measures.get(source="form1", focus_point__name="服務及時性")
    sent(timely, "tcpd-shilin", date(2017, 4, 1), 30, day=date(2017, 5, 20))
    html = client.get(DASHBOARD + "?as_of=106.5.31").content.decode()
    assert f"可能失分的評核重點（{focus_points - 1}）" in html


def test_reports_move_measures_through_their_statuses(plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.deadline = date(2017, 9, 30)
    measure.save()
    PlannedProgress.objects.create(measure=measure, month=date(2017, 5, 1), percent=50)
    as_of = date(2017, 5, 31)
    assert PlanProgress.load(plan_106, as_of).status[measure.pk].status == Status.LAGGING
    sent(measure, "shilin-secretariat", date(2017, 5, 1), 45, day=date(2017, 5, 30))
    progress = PlanProgress.load(plan_106, as_of)
    assert progress.status[measure.pk].status == Status.IN_PROGRESS
    # Each carrying unit has its own status: 天母 has reported nothing against the plan.
    tianmu = Unit.objects.get(code="shilin-tianmu")
    assert progress.unit_status[(measure.pk, tianmu.pk)].status == Status.LAGGING
    sent(measure, "shilin-secretariat", date(2017, 6, 1), 100, day=date(2017, 7, 15))
    assert PlanProgress.load(plan_106, as_of).status[measure.pk].status == Status.IN_PROGRESS  # June's: a later month
    # A report counts toward its month whenever it was sent: June's, sent late on 7/15, shows as of 6/14.
    assert PlanProgress.load(plan_106, date(2017, 6, 14)).status[measure.pk].status == Status.DONE
    assert PlanProgress.load(plan_106, date(2017, 10, 1)).status[measure.pk].status == Status.DONE


def test_drafts_and_returned_reports_do_not_count(plan_106):
    measure = plan_106.measures.get(source="form1", name="服務及時性")
    report = sent(measure, "tcpd-shilin", date(2017, 5, 1), 50)
    assert PlanProgress.load(plan_106, date(2017, 5, 31)).status[measure.pk].status == Status.IN_PROGRESS
    for status in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
        report.status = status
        report.save()
        assert PlanProgress.load(plan_106, date(2017, 5, 31)).status[measure.pk].status == Status.REPORT_DUE


def grow_tenfold(plan_106):
    """Nine copies of each measure with its units, planned progress and reports sent for March to May: written
    in bulk (the same rows as saving them one by one, without their history, which no dashboard reads)."""
    tianmu = Unit.objects.get(code="shilin-tianmu")
    precinct = Unit.objects.get(code="tcpd-shilin")
    pairs = copy_measures(plan_106)
    MeasureLeadUnit.objects.bulk_create(
        MeasureLeadUnit(measure=copy, unit=unit) for copy, source in pairs for unit in source.lead_units.all()
    )
    MeasureSupportUnit.objects.bulk_create(
        MeasureSupportUnit(measure=copy, unit=unit) for copy, source in pairs for unit in source.support_units.all()
    )
    PlannedProgress.objects.bulk_create(PlannedProgress(measure=copy, month=date(2017, 3, 1), percent=30) for copy, _ in pairs)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            measure=copy, unit=tianmu if copy.all_units else precinct, period=date(2017, month, 1), narrative="x",
            progress=month * 10, status=ProgressReport.Status.SUBMITTED,
            submitted_at=timezone.make_aware(datetime(2017, month, 1, 10)),
        )
        for copy, _ in pairs
        for month in (3, 4, 5)
    )
    assert plan_106.measures.count() == 370
    assert ProgressReport.objects.filter(unit=tianmu).count() > 200


def test_the_plan_dashboard_costs_the_same_queries_with_ten_times_the_data(client, user, plan_106):
    client.force_login(user("secretariat"))
    machinery(plan_106, user)
    pages = []
    before = count_queries(lambda: pages.append(client.get(DASHBOARD + "?as_of=106/05/31").content.decode()))
    assert "組織診斷" in pages[-1] and "第0次調查" in pages[-1] and "90.0%" in pages[-1] and "講習" not in pages[-1]
    grow_tenfold(plan_106)
    machinery(plan_106, user, copies=10)
    assert count_queries(lambda: pages.append(client.get(DASHBOARD + "?as_of=106/05/31").content.decode())) == before
    assert "列管措施 370 項" in pages[-1] and "提案 11 件" in pages[-1]


def test_the_plan_dashboard_is_the_home_page_of_staff(client, user, plan_106):
    client.force_login(user("secretariat"))
    home = []
    before = count_queries(lambda: home.append(client.get("/").content.decode()))
    assert "進度總覽" in home[-1]
    grow_tenfold(plan_106)
    assert count_queries(lambda: home.append(client.get("/").content.decode())) == before
    assert "進度總覽" in home[-1]


def test_readers_outside_get_404(client, outsider, user):
    client.force_login(outsider)
    assert client.get(DASHBOARD).status_code == 404
    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def test_the_unit_dashboard(client, user, plan_106, pdf_file):
    measure = plan_106.measures.prefetch_related("indicators").get(source=Measure.Source.FORM2, name="主動服務")
    indicator = measure.indicators.create(name="慰問簡訊", unit="件", target_value=40, position=1)
    report = sent(measure, "shilin-tianmu", date(2017, 5, 1), 30)
    report.actuals.create(indicator=indicator, value=10)
    returned = sent(plan_106.measures.get(source="form2", name="定期進行滿意度調查"), "shilin-tianmu", date(2017, 4, 1), 20)
    returned.status = ProgressReport.Status.RETURNED
    returned.review_comment = "請補滿意度統計表"
    returned.save()
    client.force_login(user("tianmu"))
    html = client.get(reverse("assessments:unit", kwargs={"code": "shilin-tianmu"}) + "?as_of=106/05/31").content.decode()
    assert "本單位負責 10 項措施" in html
    assert "106年5月份尚未填報（9）" in html  # every measure but the one reported this month
    assert "請補滿意度統計表" in html
    assert "慰問簡訊" in html and "25.0%" in html  # 10 of 40
    assert "各單位" in html
    # Another unit's figure adds to the precinct's total, which alone is measured against the precinct's target.
    sent(measure, "shilin-wenlin", date(2017, 5, 1), 30).actuals.create(indicator=indicator, value=20)
    html = client.get(reverse("assessments:unit", kwargs={"code": "shilin-tianmu"}) + "?as_of=106/05/31").content.decode()
    row = html[html.index("慰問簡訊"):]
    row = row[:row.index("</tr>")]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:5]] == ["40 件", "10 件", "30 件", "75.0%"]


def test_the_unit_dashboard_costs_the_same_queries_with_more_reports(client, user, plan_106):
    client.force_login(user("tianmu"))
    url = reverse("assessments:unit", kwargs={"code": "shilin-tianmu"}) + "?as_of=106/05/31"
    before = count_queries(lambda: client.get(url))
    grow_tenfold(plan_106)
    assert count_queries(lambda: client.get(url)) == before


def test_every_measure_has_its_carriers_and_the_precinct_takes_what_nobody_below_it_does(plan_106):
    """附表2's 各單位: every unit below the precinct; named units: those; nobody named (附表1's 各分局、大隊、隊 or
    a measure with no unit): the precinct itself, for 研考承辦 to report. Checked against the rule written out
    here, for the whole plan's progress, for Measure.is_carried_by and for each unit's own page."""
    progress = PlanProgress.load(plan_106, date(2017, 5, 31))
    shilin = plan_106.organization
    below = [u for u in progress.units if u.pk != shilin.pk]
    for measure in progress.measures:
        named = [u for u in progress.units if u in set(measure.lead_units.all()) | set(measure.support_units.all())]
        if measure.source == "form2" and measure.all_units:
            expected = [u for u in progress.units if u in below or u in named]
        else:
            expected = named or [shilin]
        assert progress.carriers[measure.pk] == expected, measure.name
        assert [u for u in progress.units if measure.is_carried_by(u, shilin.pk)] == expected
        for unit in progress.units:
            assert (measure.pk in {row.measure.pk for row in unit_progress(plan_106, unit, date(2017, 5, 31)).rows}) == (unit in expected)
    form1 = progress.measures[[m.name for m in progress.measures].index("服務及時性")]
    assert progress.carriers[form1.pk] == [shilin]  # 各分局、大隊、隊: the precinct as a whole, until units are named
    assert all(progress.carriers[m.pk] for m in progress.measures)  # every measure has someone
    assert {(m.source, m.all_units) for m in progress.measures} >= {("form1", True), ("form2", True), ("form2", False)}
    # The same from the plain rows the counting pages read.
    assert PlanProgress.counts(plan_106, date(2017, 5, 31)).carriers == progress.carriers


@pytest.mark.parametrize("as_of", [date(2017, 1, 1), date(2017, 5, 31), date(2017, 8, 15), date(2017, 12, 31)])
def test_each_units_status_is_the_measures_status_from_that_units_reports(plan_106, as_of):
    """PlanProgress reads what does not depend on the reports once per measure (status_basis) and the rest once
    per distinct summary: the same statuses as measure_status asked afresh for every unit and measure."""
    sent(plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務"), "shilin-secretariat", date(2017, 5, 1), 100)
    sent(plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務"), "shilin-tianmu", date(2017, 4, 1), 20)
    plan_106.measures.filter(source=Measure.Source.FORM2, name="提供友善服務設施").update(deadline=date(2017, 6, 30))
    progress = PlanProgress.counts(plan_106, as_of)
    planned = planned_progress(measure__plan=plan_106)
    assert progress.unit_status
    for (measure_id, unit_id), status in progress.unit_status.items():
        facts = measure_facts(plan_106, next(m for m in progress.measures if m.pk == measure_id), planned)
        assert status == measure_status(facts, progress.summaries.get((measure_id, unit_id), NO_REPORTS), as_of)
    if as_of.month >= 5:  # by then the reports above and the plan's deadlines give several statuses
        assert len({s.status for s in progress.unit_status.values() if s is not None}) >= 3


@pytest.mark.parametrize("as_of", [date(2017, 1, 1), date(2017, 5, 31), date(2017, 12, 31)])
def test_a_units_counts_are_its_status_on_each_measure_it_carries(plan_106, as_of):
    """unit_counts counts every unit's statuses in one pass: the same figures as asking about each measure,
    for units that carry 附表1 and 附表2 measures, one that carries none, and a unit outside the plan."""
    form1 = plan_106.measures.filter(source="form1").order_by("pk").first()
    Measure.objects.filter(pk=form1.pk).update(all_units=True)
    sent(plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務"), "shilin-secretariat", date(2017, 5, 1), 100)
    progress = PlanProgress.counts(plan_106, as_of)
    outsider = Unit.objects.get(code="tcpd")
    seen = set()
    for unit in [*progress.units, outsider]:
        expected = StatusCounts()
        for measure in progress.measures:
            expected.add(progress.unit_status.get((measure.pk, unit.pk)))
        counts = progress.unit_counts(unit)
        assert counts.counts == expected.counts, unit.name
        counts.counts[Status.DONE] += 1
        assert progress.unit_counts(unit).counts == expected.counts  # each call gives its own copy
        seen.add(bool(expected.total))
    assert seen == {True, False}
    assert progress.unit_counts(plan_106.organization).total  # 附表1's 各分局、大隊、隊 falls to the precinct


@pytest.mark.parametrize("as_of", [date(2017, 1, 1), date(2017, 5, 31), date(2017, 8, 15), date(2017, 12, 31)])
def test_counting_from_plain_rows_gives_what_the_measure_instances_give(plan_106, as_of):
    """The dashboards count from MeasureRows; reviews and reminders from instances: the same statuses."""
    form1 = plan_106.measures.filter(source="form1").order_by("pk").first()
    Measure.objects.filter(pk=form1.pk).update(all_units=True)
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    PlannedProgress.objects.create(measure=measure, month=date(2017, 5, 1), percent=50)
    sent(measure, "shilin-secretariat", date(2017, 5, 1), 45, day=date(2017, 5, 30))
    retired = plan_106.measures.filter(source="form2").exclude(pk=measure.pk).order_by("pk").first()
    Measure.objects.filter(pk=retired.pk).update(retired_at=timezone.make_aware(datetime(2017, 6, 1, 9)))
    full, rows = PlanProgress.load(plan_106, as_of), PlanProgress.counts(plan_106, as_of)
    assert [m.pk for m in rows.measures] == [m.pk for m in full.measures]
    assert [(m.item_id, m.focus_point_id) for m in rows.measures] == [(m.item_id, m.focus_point_id) for m in full.measures]
    assert [(m.lead_unit_ids, m.support_unit_ids) for m in rows.measures] == [
        (tuple(u.pk for u in m.lead_units.all()), tuple(u.pk for u in m.support_units.all())) for m in full.measures
    ]
    assert any(len(m.lead_unit_ids) + len(m.support_unit_ids) > 1 for m in rows.measures)
    assert rows.status == full.status and rows.unit_status == full.unit_status and rows.carriers == full.carriers
    assert any(status is not None for status in rows.status.values())


@pytest.mark.parametrize("as_of", [date(2017, 1, 1), date(2017, 5, 31), date(2017, 8, 15), date(2017, 12, 31)])
def test_one_units_progress_gives_what_the_whole_plans_gives_that_unit(plan_106, as_of):
    """The unit page computes only its unit's statuses: the same as PlanProgress.unit_status, for every unit,
    with 附表1's 各分局、大隊、隊 (the precinct itself), 附表2's 各單位, a retired measure, a measure not yet
    listed, and a unit named both 主辦 and 協辦."""
    form1 = plan_106.measures.filter(source="form1").order_by("pk").first()
    Measure.objects.filter(pk=form1.pk).update(all_units=True)
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    PlannedProgress.objects.create(measure=measure, month=date(2017, 5, 1), percent=50)
    sent(measure, "shilin-secretariat", date(2017, 5, 1), 45, day=date(2017, 5, 30))
    sent(measure, "shilin-tianmu", date(2017, 4, 1), 100, day=date(2017, 4, 30))
    doubled = plan_106.measures.filter(source="form2", lead_units__isnull=False).exclude(pk=measure.pk).order_by("pk").first()
    doubled.support_units.add(doubled.lead_units.first())
    retired, late = plan_106.measures.filter(source="form2").exclude(pk__in=[measure.pk, doubled.pk]).order_by("pk")[:2]
    Measure.objects.filter(pk=retired.pk).update(retired_at=timezone.make_aware(datetime(2017, 6, 1, 9)))
    Measure.objects.filter(pk=late.pk).update(listed_on=date(2017, 7, 1))
    full = PlanProgress.load(plan_106, as_of)
    roles_seen, reports_seen = set(), 0
    for unit in full.units:
        progress = unit_progress(plan_106, unit, as_of)
        expected = [(m.pk, full.unit_status[(m.pk, unit.pk)]) for m in full.measures if full.unit_status.get((m.pk, unit.pk))]
        assert [(row.measure.pk, row.status) for row in progress.rows] == expected, unit.name
        by_pk = {m.pk: m for m in full.measures}
        for row in progress.rows:
            m = by_pk[row.measure.pk]
            assert (row.measure.name, row.measure.item_name, row.measure.dimension_name) == (m.name, m.item.name, m.item.dimension.name)
            old_role = (
                "主辦" if unit in m.lead_units.all() else "協辦" if unit in m.support_units.all()
                else "本機關" if unit == plan_106.organization else "各單位"
            )
            assert row.role == old_role
            roles_seen.add(row.role)
        reports = ProgressReport.objects.filter(measure__plan=plan_106, unit=unit).select_related("measure").order_by("-period", "measure__position")
        assert [(r.pk, r.measure_name, r.period, r.status) for r in progress.reports] == [
            (r.pk, r.measure.name, r.period, r.status) for r in reports
        ]
        reports_seen += len(progress.reports)
    assert reports_seen == 2
    if as_of >= date(2017, 5, 31):
        assert roles_seen == {"主辦", "協辦", "各單位", "本機關"}


def test_one_units_progress_costs_the_same_queries_with_ten_times_the_data(plan_106):
    tianmu = Unit.objects.get(code="shilin-tianmu")
    before = count_queries(lambda: unit_progress(plan_106, tianmu, date(2017, 5, 31)))
    grow_tenfold(plan_106)
    assert count_queries(lambda: unit_progress(plan_106, tianmu, date(2017, 5, 31))) == before
    assert unit_progress(plan_106, tianmu, date(2017, 5, 31)).rows


def test_counting_from_plain_rows_costs_the_same_queries_with_ten_times_the_data(plan_106):
    assert plan_106.organization.code == "tcpd-shilin"  # read once, as the pages' plan lookups join it
    before = count_queries(lambda: PlanProgress.counts(plan_106, date(2017, 5, 31)))
    grow_tenfold(plan_106)
    assert count_queries(lambda: PlanProgress.counts(plan_106, date(2017, 5, 31))) == before
    assert len(PlanProgress.counts(plan_106, date(2017, 5, 31)).measures) == 370


def test_the_status_bar_and_cells_are_drawn_as_the_legend_reads():

    from assessments.charts import status_bar
    from measures.progress import StatusCounts

    counts = StatusCounts()
    counts.counts.update({Status.DONE: 1, Status.OVERDUE: 2})
    html = Template("{% load assessments_tags %}{% status_bar bar label %}|{% status_cells counts %}|{% status_bar empty label %}").render(
        Context({"bar": status_bar(counts), "empty": status_bar(StatusCounts()), "counts": counts, "label": "<天母>"})
    )
    bar, cells, empty = html.split("|")
    assert bar == (
        '<svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" '
        'aria-label="&lt;天母&gt;：已完成 1 項、逾期 2 項">'
        '<rect x="0.0" y="0" width="33.333" height="6" class="st-done"><title>已完成 1 項</title></rect>'
        '<rect x="33.333" y="0" width="66.667" height="6" class="st-overdue"><title>逾期 2 項</title></rect></svg>'
    )
    assert cells.count("<td ") == len(STATUS_ORDER) and '<td class="text-end" data-label="逾期">2</td>' in cells
    assert '<td class="text-end" data-label="已完成">1</td>' in cells and '<td class="text-end" data-label="落後">0</td>' in cells
    assert empty == '<span class="text-body-secondary small">無列管措施</span>'


def test_the_status_bar_draws_every_status_and_escapes_what_is_not_a_number():
    """Every segment of every status is drawn with its class and label; a value that is not a number comes out escaped."""

    from assessments.charts import Segment, status_bar
    from measures.progress import StatusCounts

    def draw(bar, label):
        return render_to_string("assessments/_status_bar.html", {"bar": bar, "label": label, "described": ""})

    counts = StatusCounts()
    counts.counts.update(dict.fromkeys(STATUS_ORDER, 1))
    html = draw(status_bar(counts), "全計畫")
    for status in STATUS_ORDER:
        assert f'class="st-{status.css}"><title>{status} 1 項</title>' in html
    for bad in (Segment(Status.DONE, 1, '0" onload="x', 10.0), Segment(Status.DONE, "1<b>", 0.0, 10.0)):
        assert "onload=\"x" not in draw([bad], "全計畫") and "<b>" not in draw([bad], "全計畫")


def test_the_unit_pages_rows_show_each_measure_escaped_with_its_status_progress_deadline_and_latest_report():

    from measures.status import MeasureStatus
    from measures.unit_progress import UnitMeasure, UnitReport

    def unit_measure_rows(rows):
        return Template('{% for row in rows %}{% include "assessments/_unit_measure_row.html" %}{% endfor %}').render(Context({"rows": rows}))

    def measure(pk, name, ongoing):
        return UnitMeasure(pk, name, "服務<友善>", "基礎服務", "form2", False, None, ongoing, None, None)

    report = UnitReport(7, 1, "x", date(2017, 4, 1), ProgressReport.Status.RETURNED, "", True)
    rows = [
        {"measure": measure(1, "<script>主動</script>", True), "status": MeasureStatus(Status.LAGGING, 20, 50, date(2017, 4, 1), None, "賡續辦理（每月填報）"),
         "role": "主辦", "url": "/m/1/?a=1&b=2", "latest_report": report, "report_url": "/reports/7/"},
        {"measure": measure(2, "便民", False), "status": MeasureStatus(Status.NOT_STARTED, None, None, None, date(2017, 6, 30), "106/06/30"),
         "role": "各單位", "url": "/m/2/", "latest_report": None, "report_url": ""},
    ]
    html = str(unit_measure_rows(rows))
    first, second = html.split("</tr>")[:2]
    assert '<a href="/m/1/?a=1&amp;b=2">&lt;script&gt;主動&lt;/script&gt;</a>' in first and "<script>" not in html
    assert "基礎服務／服務&lt;友善&gt;" in first and '<td data-label="本單位">主辦</td>' in first
    assert '<span class="badge st-lagging">落後</span>' in first
    assert '<td class="text-end" data-label="預定">50%</td>' in first and '<td class="text-end" data-label="實際">20%</td>' in first
    assert '<td data-label="期限">賡續辦理（每月填報）</td>' in first
    assert f'<td data-label="最近填報"><a href="/reports/7/">106年4月 {ProgressReport.Status.RETURNED.label}</a> <span class="badge text-bg-warning"' in first
    assert "逾時填報</span></td>" in first  # sent after its due day
    assert '<span class="badge st-not-started">未開始</span>' in second and '<td data-label="期限">106/06/30</td>' in second
    assert second.count(">—</td>") == 3  # planned, reported and the latest report
    assert html.count("<tr>") == 2 and unit_measure_rows([]) == ""


def test_the_dashboards_rows_by_dimension_item_and_unit_show_each_name_escaped_with_its_bar_counts_and_completion():
    from types import SimpleNamespace

    from assessments.charts import status_bar

    def dimension_rows(dimensions):
        return render_to_string("assessments/_dimension_rows.html", {"dimensions": dimensions}).strip()

    def status_cells(counts):
        return Template("{% load assessments_tags %}{% status_cells counts %}").render(Context({"counts": counts}))

    def unit_status_rows(units, as_of_query):
        return render_to_string("assessments/_unit_status_rows.html", {"units": units, "as_of_query": as_of_query})

    done, lagging = StatusCounts(), StatusCounts()
    done.add(SimpleNamespace(status=Status.DONE))
    lagging.add(SimpleNamespace(status=Status.LAGGING))
    lagging.add(SimpleNamespace(status=Status.DONE))
    item = {"item": SimpleNamespace(name="服務<友善>"), "counts": lagging, "bar": status_bar(lagging)}
    dimensions = [{"dimension": SimpleNamespace(name="基礎&服務", points=200), "counts": lagging, "bar": status_bar(lagging), "items": [item]}]
    html = str(dimension_rows(dimensions))
    dimension_row, item_row = html.split("</tr>")[:2]
    assert '<th scope="row">基礎&amp;服務（200 分）</th>' in dimension_row and 'aria-label="基礎&amp;服務：' in dimension_row
    assert '<th scope="row" class="fw-normal ps-4">服務&lt;友善&gt;</th>' in item_row and "<友善>" not in html
    assert str(status_cells(lagging)) in item_row
    assert '<td class="text-end" data-label="合計">2</td><td class="text-end" data-label="完成率">50%</td>' in item_row
    assert html.count("<tr") == 2 and dimension_rows([]) == ""

    units = [{"unit": SimpleNamespace(name="<天母>派出所"), "counts": done, "bar": status_bar(done), "url": "/units/tianmu/"}]
    html = str(unit_status_rows(units, "106/05/31&x"))
    assert '<a href="/units/tianmu/?as_of=106/05/31&amp;x">&lt;天母&gt;派出所</a>' in html
    assert '<td class="text-end" data-label="合計">1</td><td class="text-end" data-label="完成率">100%</td>' in html
    assert html.count("<tr>") == 1 and unit_status_rows([], "") == ""
