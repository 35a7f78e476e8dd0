"""A unit's month on one page and its 填報紀錄: access, drafts and sending, all or nothing, the closed year, the
query counts."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.models import Unit
from measures.models import Evidence, Measure, ProgressReport
from measures.report_writes import report_review, report_save
from measures.unit_months import month_rows

from .conftest import copy_measures

pytestmark = pytest.mark.django_db

MAY = date(2017, 5, 1)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200), st.just("<script>alert(1)</script>"), st.just("長" * 100_000), st.just("\x00"),
)


def month_url(code="shilin-tianmu", month="106-05"):
    return f"/units/{code}/months/{month}/"


def rows_of(plan, code="shilin-tianmu", month=MAY):
    return month_rows(plan, Unit.objects.get(code=code), month)


def fill(rows, values: dict, **extra) -> dict:
    """POST data as the page sends it: each row's version as read, and {measure pk: (progress, narrative)} for the
    rows named, nothing typed in the others."""
    data = {}
    for row in rows:
        data[f"m{row.measure.pk}-version"] = row.report.version if row.report else 0
        if row.measure.pk in values:
            progress, narrative = values[row.measure.pk]
            data[f"m{row.measure.pk}-progress"] = progress
            data[f"m{row.measure.pk}-narrative"] = narrative
    data.update(extra)
    return data


def test_it_shows_a_unit_head_every_measure_of_the_month(client, user, plan_106):
    client.force_login(user("tianmu"))
    response = client.get(month_url())
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(plan_106)
    assert len(rows) == 10
    assert "本月應填報 10 項措施" in html and "送出全部" in html and "暫存草稿" in html
    for row in rows:
        assert row.measure.name in html


def test_the_index_opens_the_month_now_due(client, user):
    client.force_login(user("tianmu"))
    response = client.get("/units/shilin-tianmu/months/")
    assert response.status_code == 302 and response["Location"] == month_url(month="106-12")  # the 106 plan has ended


def test_a_month_outside_the_plan_says_so(client, user):
    client.force_login(user("tianmu"))
    for month in ("106-13", "107-01", "105-12"):
        response = client.get(month_url(month=month), follow=True)
        assert "不在本單位的年度計畫" in response.content.decode(), month
        assert response.redirect_chain[-1][0] == month_url(month="106-12")


@pytest.mark.parametrize("username, code, status, form", [
    ("tianmu", "shilin-tianmu", 200, True),
    ("investigation", "shilin-tianmu", 404, False),  # another unit's head
    ("secretariat", "tcpd-shilin", 200, True),  # 研考承辦 report for the organisation itself
    ("secretariat", "shilin-tianmu", 200, False),  # and read a unit's month
    ("viewer", "shilin-tianmu", 200, False),
    ("outsider", "shilin-tianmu", 404, False),
])
def test_who_may_open_a_units_month(client, user, outsider, username, code, status, form):
    client.force_login(outsider if username == "outsider" else user(username))
    for url in (month_url(code), f"/units/{code}/reports/"):
        response = client.get(url)
        assert response.status_code == status, url
    if status == 200:
        assert ("送出全部" in client.get(month_url(code)).content.decode()) is form
    assert client.get(f"/units/{code}/months/").status_code == (302 if status == 200 else 404)


@pytest.mark.parametrize("username", ["viewer", "secretariat", "investigation"])
def test_a_reader_may_not_send_a_units_month(client, user, plan_106, username):
    client.force_login(user(username))
    row = rows_of(plan_106)[0]
    response = client.post(month_url(), fill([row], {row.measure.pk: ("10", "x")}, submit="1"))
    assert response.status_code == (404 if username == "investigation" else 403)
    assert not ProgressReport.objects.exists()


def test_the_organisations_month_is_reported_by_staff(client, user, plan_106):
    client.force_login(user("secretariat"))
    rows = rows_of(plan_106, "tcpd-shilin")
    assert rows
    response = client.post(month_url("tcpd-shilin"), fill(rows[:1], {rows[0].measure.pk: ("20", "分局辦理")}, submit="1"))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.unit.code, report.status, report.submitted_by.username) == ("tcpd-shilin", "submitted", "secretariat")


def test_drafts_then_send_all(client, user, plan_106):
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    first, second, third = rows[0].measure.pk, rows[1].measure.pk, rows[2].measure.pk
    response = client.post(month_url(), fill(rows, {first: ("30", "第一項"), second: ("40", "第二項")}, draft="1"))
    assert response.status_code == 302
    assert "已暫存 2 筆草稿" in client.get(response["Location"]).content.decode()
    assert sorted(ProgressReport.objects.values_list("measure_id", "status", "progress")) == sorted(
        [(first, "draft", 30), (second, "draft", 40)])
    # The page shows the drafts in their fields; sending adds a third row and sends the drafts with it.
    rows = rows_of(plan_106)
    data = fill(rows, {first: ("30", "第一項"), second: ("45", "第二項，更新"), third: ("10", "第三項")}, submit="1")
    response = client.post(month_url(), data)
    assert response.status_code == 302
    assert "已送出 3 筆填報" in client.get(response["Location"]).content.decode()
    reports = {r.measure_id: r for r in ProgressReport.objects.all()}
    assert {r.status for r in reports.values()} == {"submitted"}
    assert (reports[second].progress, reports[second].narrative) == (45, "第二項，更新")


def test_last_months_figure_and_text_are_offered(client, user, plan_106):
    client.force_login(user("tianmu"))
    row = rows_of(plan_106)[0]
    measure = Measure.objects.get(pk=row.measure.pk)
    report_save(measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 4, 1), user=user("tianmu"),
                narrative="四月的辦理情形", progress=25, actuals={}, submit=True)
    html = client.get(month_url()).content.decode()
    assert "25%（已送出）" in html and "四月的辦理情形" in html and "沿用上月內容" in html


def test_one_bad_row_writes_nothing(client, user, plan_106):
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    data = fill(rows, {rows[0].measure.pk: ("30", "好的一列"), rows[1].measure.pk: ("130", "進度超過 100")}, submit="1")
    data[f"m{rows[2].measure.pk}-narrative"] = "只寫了執行情形"
    response = client.post(month_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "執行進度應介於 0 到 100 之間。" in html and "請填寫本月累計進度（0 到 100）。" in html
    assert "好的一列" in html  # what was typed stays in place
    assert not ProgressReport.objects.exists()


def test_a_row_refused_by_the_service_writes_nothing_and_removes_stored_files(client, user, plan_106, pdf_file, evidence_dir):
    """The second row's report was accepted after the page was read: the first row's report and its evidence
    are not kept."""
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    tianmu = Unit.objects.get(code="shilin-tianmu")
    second = Measure.objects.get(pk=rows[1].measure.pk)
    sent = report_save(measure=second, unit=tianmu, period=MAY, user=user("tianmu"), narrative="已送出", progress=50,
                       actuals={}, submit=True)
    rows = rows_of(plan_106)  # the page as read, with the sent report
    report_review(report=sent, user=user("secretariat"), accept=True, comment="")
    data = fill(rows, {rows[0].measure.pk: ("30", "第一列"), rows[1].measure.pk: ("60", "改了已核可的")}, submit="1")
    data[f"m{rows[0].measure.pk}-evidence"] = pdf_file()
    response = client.post(month_url(), data)
    assert response.status_code == 200
    assert "整批均未儲存" in response.content.decode()
    assert "已有變動" in response.content.decode()
    assert list(ProgressReport.objects.values_list("measure_id", "progress")) == [(second.pk, 50)]
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in evidence_dir.rglob("*")) if evidence_dir.exists() else True


def test_a_report_changed_meanwhile_is_not_overwritten(client, user, plan_106):
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    measure = Measure.objects.get(pk=rows[0].measure.pk)
    # Someone else sends the month's report of the first row after the page was read without it.
    report_save(measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=MAY, user=user("tianmu"),
                narrative="另一個分頁送出的", progress=70, actuals={}, submit=True)
    response = client.post(month_url(), fill(rows, {measure.pk: ("10", "這一頁的")}, submit="1"))
    assert response.status_code == 200 and "已有變動" in response.content.decode()
    assert ProgressReport.objects.get().narrative == "另一個分頁送出的"


def test_an_accepted_report_is_read_only(client, user, plan_106):
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    measure = Measure.objects.get(pk=rows[0].measure.pk)
    report = report_save(measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=MAY, user=user("tianmu"),
                         narrative="已核可的內容", progress=70, actuals={}, submit=True)
    report_review(report=report, user=user("secretariat"), accept=True, comment="")
    html = client.get(month_url()).content.decode()
    assert f'name="m{measure.pk}-progress"' not in html and "已核可，不能再修改。" in html


def test_a_closed_year_is_refused(client, user, plan_106):
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    plan_106.closing_date = date(2018, 1, 31)
    plan_106.save()
    html = client.get(month_url()).content.decode()
    assert "送出全部" not in html and "已於" in html
    response = client.post(month_url(), fill(rows, {rows[0].measure.pk: ("10", "結算後")}, submit="1"), follow=True)
    assert "結算" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_eleven_measures_in_one_submit(client, user, plan_106):
    client.force_login(user("secretariat"))
    rows = rows_of(plan_106, "tcpd-shilin")
    if len(rows) < 11:
        pytest.skip("the organisation reports fewer than 11 measures")
    chosen = rows[:11]
    response = client.post(month_url("tcpd-shilin"), fill(chosen, {r.measure.pk: ("50", f"第{i}項") for i, r in enumerate(chosen)}, submit="1"))
    assert response.status_code == 302
    assert ProgressReport.objects.filter(status="submitted").count() == 11


def test_the_reports_list_filters_by_month_and_status(client, user, plan_106):
    client.force_login(user("tianmu"))
    tianmu = Unit.objects.get(code="shilin-tianmu")
    rows = rows_of(plan_106)
    for month in (4, 5):
        for row in rows[:3]:
            report_save(measure=Measure.objects.get(pk=row.measure.pk), unit=tianmu, period=date(2017, month, 1),
                        user=user("tianmu"), narrative="x", progress=10 * month, actuals={}, submit=month == 5)
    html = client.get("/units/shilin-tianmu/reports/").content.decode()
    assert "共 6 筆" in html
    html = client.get("/units/shilin-tianmu/reports/?month=2017-05-01").content.decode()
    assert "共 3 筆" in html and "106年4月" not in html.split("<table")[1]
    html = client.get("/units/shilin-tianmu/reports/?status=draft").content.decode()
    assert "共 3 筆" in html
    assert client.get("/units/shilin-tianmu/reports/?month=bad&page=x").status_code == 200
    client.force_login(user("viewer"))
    assert "共 3 筆" in client.get("/units/shilin-tianmu/reports/").content.decode()  # drafts stay with the unit


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _report_months(plan, user, months):
    """A report of every measure tianmu carries that has none yet, for each of `months` (drafts in May)."""
    tianmu = Unit.objects.get(code="shilin-tianmu")
    for month in months:
        for row in [r for r in month_rows(plan, tianmu, date(2017, month, 1)) if r.report is None]:
            report_save(measure=Measure.objects.get(pk=row.measure.pk), unit=tianmu, period=date(2017, month, 1),
                        user=user, narrative=f"{month}月", progress=month, actuals={}, submit=month != 5)


def test_the_month_page_and_the_list_cost_the_same_queries_with_ten_times_the_data(client, user, plan_106):
    client.force_login(user("tianmu"))
    tianmu_user = user("tianmu")
    measure = Measure.objects.get(pk=rows_of(plan_106)[0].measure.pk)
    measure.indicators.create(name="宣導場次", unit="場", target_value=10, position=1)
    _report_months(plan_106, tianmu_user, [4, 5])
    pages = [month_url(), "/units/shilin-tianmu/reports/", "/units/shilin-tianmu/reports/?status=submitted"]
    small = [_queries(client, page) for page in pages]
    copy_measures(plan_106)  # ten times the measures (the copies of 各單位 measures are tianmu's too)
    for copy in Measure.objects.filter(plan=plan_106, position__gte=1000)[:20]:
        copy.indicators.create(name="指標", unit="件", target_value=5, position=1)
    _report_months(plan_106, tianmu_user, [1, 2, 3, 4, 5])
    assert len(rows_of(plan_106)) >= 10 * 10
    large = [_queries(client, page) for page in pages]
    assert large == small


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(narrative=HOSTILE_TEXT, progress=st.one_of(st.text(max_size=10), st.integers(-10**6, 10**6).map(str)),
       version=st.one_of(st.text(max_size=5), st.integers(-5, 5).map(str)), month=HOSTILE_TEXT)
def test_hostile_input_never_fails_the_page(client, user, plan_106, narrative, progress, version, month):
    client.force_login(user("tianmu"))
    row = rows_of(plan_106)[0]
    response = client.post(month_url(), {f"m{row.measure.pk}-version": version, f"m{row.measure.pk}-progress": progress,
                                         f"m{row.measure.pk}-narrative": narrative, "draft": "1"})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not ProgressReport.objects.exists()
        assert "<script>alert(1)</script>" not in response.content.decode()
    ProgressReport.objects.all().delete()
    assert client.get("/units/shilin-tianmu/reports/", {"month": month, "status": month, "page": month}).status_code == 200


@pytest.mark.parametrize("version", ["abc", "-1", "1.5"])
def test_a_malformed_version_is_named_in_its_row(client, user, plan_106, version):
    """The hidden version a page sends, tampered with: the row says why in Chinese, and nothing is written."""
    client.force_login(user("tianmu"))
    rows = rows_of(plan_106)
    data = fill(rows, {rows[0].measure.pk: ("30", "好的一列"), rows[1].measure.pk: ("40", "另一列")}, draft="1")
    data[f"m{rows[1].measure.pk}-version"] = version
    response = client.post(month_url(), data)
    assert response.status_code == 200
    row = response.content.decode().split(f'id="m{rows[1].measure.pk}"')[1].split("</fieldset>")[0]
    assert "本頁資料已失效，請重新整理本頁後再填。" in row
    assert not ProgressReport.objects.exists()
