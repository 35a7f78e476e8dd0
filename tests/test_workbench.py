"""The reviewer's workbench: filters, counts, pages, what each row shows, 核可所選, the next pending report after a
decision, the pending count in the navigation, and the query counts that do not grow with the data."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from diagnosis.models import Membership, Unit
from measures.models import Measure, PlannedProgress, ProgressReport
from measures.report_writes import report_review, report_save, reports_review_batch

pytestmark = pytest.mark.django_db

LIST = reverse("measures:plan_reports", kwargs={"year": 106})
BATCH = reverse("measures:reports_batch_review", kwargs={"year": 106})
STATION_CODES = ["wenlin", "zhishanyan", "tianmu", "lanya", "shezi", "hougang", "shanzaihou", "yongfu", "cuishan", "xishan"]


@pytest.fixture
def measure(plan_106):
    """附表2 主動服務: every unit carries it (各單位)."""
    return plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")


def sent(measure, code, month, user, progress=40):
    return report_save(
        measure=measure, unit=Unit.objects.get(code=code), period=date(2017, month, 1), user=user,
        narrative="本月辦理情形", progress=progress, actuals={}, submit=True,
    )


def texts(client, response) -> list[str]:
    """The messages a redirect leaves, as the page it leads to shows them (and so reads them, once)."""
    assert response.status_code == 302, response.status_code
    return [str(message) for message in client.get(response["Location"]).context["messages"]]


def test_it_filters_by_unit_month_and_source_and_counts_each_status(client, user, measure, plan_106):
    tianmu = user("tianmu")
    may = sent(measure, "shilin-tianmu", 5, tianmu)
    april = sent(measure, "shilin-tianmu", 4, tianmu)
    report_review(report=april, user=user("secretariat"), accept=True, comment="")
    other = sent(measure, "shilin-investigation", 5, user("investigation"))
    form1 = plan_106.measures.filter(source=Measure.Source.FORM1).first()
    precinct = sent(form1, "tcpd-shilin", 5, tianmu)
    client.force_login(user("secretariat"))

    page = client.get(LIST).content.decode()
    for report in (may, other, precinct):
        assert reverse("measures:report", kwargs={"pk": report.pk}) in page
    assert reverse("measures:report", kwargs={"pk": april.pk}) not in page  # 已核可, not pending
    assert "共 3 筆" in page
    assert 'aria-current="page" href="?org=tcpd-shilin">已送出 <span class="badge text-bg-light">3</span>' in page

    by_unit = client.get(LIST, {"unit": "shilin-tianmu"}).content.decode()
    assert "共 1 筆" in by_unit and reverse("measures:report", kwargs={"pk": may.pk}) in by_unit
    assert "已核可 <span class=\"badge text-bg-secondary\">1</span>" in by_unit  # the tabs count under the filters
    accepted = client.get(LIST, {"unit": "shilin-tianmu", "status": "accepted"}).content.decode()
    assert reverse("measures:report", kwargs={"pk": april.pk}) in accepted and "共 1 筆" in accepted

    by_month = client.get(LIST, {"month": "2017-04"}).content.decode()
    assert "沒有符合條件的填報" in by_month
    by_source = client.get(LIST, {"source": "form1"}).content.decode()
    assert "共 1 筆" in by_source and reverse("measures:report", kwargs={"pk": precinct.pk}) in by_source
    assert '<optgroup label="士林分局所屬單位">' in page and "士林分局（本機關）" in page


@pytest.mark.parametrize("query", [
    {"unit": "nowhere", "month": "abc", "source": "form9", "status": "draft", "page": "x"},
    {"unit": "\x00", "month": "2017-13"},
    {"page": "99999999999999999999"},
])
def test_a_filter_that_names_nothing_is_an_error_in_chinese_and_left_out(client, user, measure, query):
    report = sent(measure, "shilin-tianmu", 5, user("tianmu"))
    client.force_login(user("secretariat"))
    response = client.get(LIST, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("measures:report", kwargs={"pk": report.pk}) in html  # the bad filters did not filter
    if "unit" in query:
        assert "不在可選的項目中，已略過此條件。" in html


def test_pages_instead_of_a_silent_cut(client, user, measure, plan_106):
    tianmu = user("tianmu")
    measures = list(plan_106.measures.filter(source=Measure.Source.FORM2, all_units=True)[:2]) or [measure]
    count = 0
    for m in measures:
        for code in STATION_CODES:
            for month in range(1, 7):
                sent(m, f"shilin-{code}", month, tianmu)
                count += 1
    assert count > 50
    client.force_login(user("secretariat"))
    first = client.get(LIST).content.decode()
    assert f"共 {count} 筆" in first and "每頁 50 筆" in first
    assert first.count('name="reports"') == 50
    last_number = (count + 49) // 50
    last = client.get(LIST, {"page": last_number}).content.decode()
    assert last.count('name="reports"') == count - 50 * (last_number - 1)
    assert client.get(LIST, {"page": 999}).content.decode().count('name="reports"') == count - 50 * (last_number - 1)


def test_each_row_shows_the_planned_percent_earlier_months_indicators_and_late_mark(client, user, measure):
    tianmu = user("tianmu")
    PlannedProgress.objects.create(measure=measure, month=date(2017, 4, 1), percent=30)
    PlannedProgress.objects.create(measure=measure, month=date(2017, 5, 1), percent=50)
    indicator = measure.indicators.create(name="慰問簡訊", unit="件", target_value=100, position=1)
    for month, progress in [(1, 10), (2, 20), (3, 25)]:
        report_review(report=sent(measure, "shilin-tianmu", month, tianmu, progress), user=user("secretariat"), accept=True, comment="")
    report_save(
        measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1), user=tianmu,
        narrative="五月", progress=45, actuals={indicator: 12}, submit=True,
    )
    ProgressReport.objects.filter(period=date(2017, 5, 1)).update(sent_late=True)
    client.force_login(user("secretariat"))
    html = client.get(LIST).content.decode()
    assert "45%（預定 50%）" in html
    assert "1月 10%・2月 20%・3月 25%" in html
    assert "慰問簡訊 12／100 件" in html
    assert "逾時填報" in html


def test_the_workbench_costs_the_same_queries_with_ten_times_the_reports(client, user, plan_106):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tianmu = user("tianmu")
    form2 = list(plan_106.measures.filter(source=Measure.Source.FORM2, all_units=True))
    indicator = form2[0].indicators.create(name="場次", unit="場", target_value=10, position=1)
    client.force_login(user("secretariat"))

    def fill(codes, months):
        for m in form2[:2]:
            for code in codes:
                for month in months:
                    report_save(
                        measure=m, unit=Unit.objects.get(code=f"shilin-{code}"), period=date(2017, month, 1), user=tianmu,
                        narrative="x", progress=month * 5, actuals={indicator: 3} if m == form2[0] else {}, submit=True,
                    )

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, params).status_code == 200
        return len(captured)

    fill(STATION_CODES[:1], [1, 2])
    small = [queries({}), queries({"unit": "shilin-wenlin", "month": "2017-02", "source": "form2"})]
    fill(STATION_CODES[1:], [1, 2])
    fill(STATION_CODES, range(3, 11))
    assert ProgressReport.objects.count() >= 10 * 4
    assert [queries({}), queries({"unit": "shilin-wenlin", "month": "2017-02", "source": "form2"})] == small


def test_twenty_pending_reports_are_approved_in_three_actions(client, user, measure, plan_106):
    tianmu = user("tianmu")
    reports = [sent(measure, f"shilin-{code}", month, tianmu) for code in STATION_CODES for month in (4, 5)]
    assert len(reports) == 20
    client.force_login(user("secretariat"))
    # 1. the filter (已送出 is the default tab); 2. select all (the page's checkboxes); 3. 核可所選.
    page = client.get(LIST, {"month": "", "unit": ""}).content.decode()
    ids = [str(r.pk) for r in reports]
    assert all(f'name="reports" value="{pk}"' in page for pk in ids)
    response = client.post(BATCH + "?org=tcpd-shilin", {"reports": ids})
    assert response.status_code == 302 and response["Location"].startswith(LIST)
    assert texts(client, response) == ["已核可 20 筆填報。"]
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {"accepted"}
    assert set(ProgressReport.objects.values_list("reviewed_by__username", flat=True)) == {"secretariat"}


def test_a_batch_names_the_reports_decided_meanwhile_and_decides_the_rest(client, user, measure):
    tianmu, staff = user("tianmu"), user("secretariat")
    colleague = get_user_model().objects.create_user("colleague", first_name="研考二", password="x-unused-9")
    Membership.objects.create(user=colleague, unit=Unit.objects.get(code="tcpd-shilin"), role=Membership.Role.STAFF)
    first, second, third = (sent(measure, f"shilin-{code}", 5, tianmu) for code in ("tianmu", "wenlin", "lanya"))
    own = sent(measure, "shilin-shezi", 5, staff)  # 研考承辦 reported it themselves: a colleague must review it
    report_review(report=second, user=colleague, accept=False, comment="請補照片")  # decided meanwhile
    client.force_login(staff)
    response = client.post(BATCH + "?unit=&org=tcpd-shilin", {"reports": [first.pk, second.pk, third.pk, own.pk]})
    messages = texts(client, response)
    assert messages[0] == "已核可 2 筆填報。"
    assert "下列 2 筆未核可" in messages[1]
    assert "文林派出所 106年5月「主動服務」（已由研考二已退回）" in messages[1]
    assert "社子派出所 106年5月「主動服務」（不能審核自己送出的填報。）" in messages[1]
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[third.pk], statuses[own.pk]) == ("accepted", "returned", "accepted", "submitted")


def test_the_batch_service_leaves_nothing_half_done_on_an_unexpected_failure(user, measure, monkeypatch):
    import measures.report_writes as writes

    reports = [sent(measure, f"shilin-{code}", 5, user("tianmu")) for code in ("tianmu", "wenlin")]
    real = writes.report_review
    calls = []

    def fail_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(writes, "report_review", fail_second)
    with pytest.raises(RuntimeError):
        reports_review_batch(reports=reports, user=user("secretariat"), accept=True, comment="")
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {"submitted"}


def test_batch_approval_is_for_staff_and_refuses_bad_selections(client, user, measure, outsider):
    report = sent(measure, "shilin-tianmu", 5, user("tianmu"))
    for username, expected in [("viewer", 403), ("tianmu", 403), ("investigation", 403)]:
        client.force_login(user(username))
        assert client.post(BATCH, {"reports": [report.pk]}).status_code == expected, username
    client.force_login(outsider)
    assert client.post(BATCH, {"reports": [report.pk]}).status_code == 404
    client.force_login(user("secretariat"))
    assert texts(client, client.post(BATCH, {})) == ["請先勾選要核可的填報。"]
    assert texts(client, client.post(BATCH, {"reports": ["abc"]})) == ["所選的填報有誤，請重新勾選。"]
    assert texts(client, client.post(BATCH, {"reports": ["99999999999999999999"]})) == ["所選的填報有誤，請重新勾選。"]
    assert texts(client, client.post(BATCH, {"reports": ["123456789"]})) == ["另有 1 筆已不在審核清單中（已撤回或刪除），未核可。"]
    assert ProgressReport.objects.get().status == "submitted"


def test_after_a_decision_the_next_pending_report_of_the_same_list(client, user, measure):
    tianmu = user("tianmu")
    april, may, june = (sent(measure, "shilin-tianmu", month, tianmu) for month in (4, 5, 6))
    elsewhere = sent(measure, "shilin-wenlin", 5, tianmu)  # not in the filtered list
    client.force_login(user("secretariat"))
    query = "unit=shilin-tianmu"
    detail = client.get(reverse("measures:report", kwargs={"pk": may.pk}) + f"?{query}").content.decode()
    assert f'action="{reverse("measures:report_review", kwargs={"pk": may.pk})}?{query}"' in detail
    assert f"{LIST}?org=tcpd-shilin&amp;{query}" in detail  # back to the same list

    def decide(report, **data):
        return client.post(reverse("measures:report_review", kwargs={"pk": report.pk}) + f"?{query}", data)

    assert decide(may, decision="accept", comment="")["Location"] == reverse("measures:report", kwargs={"pk": june.pk}) + f"?{query}"
    assert decide(june, decision="return", comment="請補")["Location"] == reverse("measures:report", kwargs={"pk": april.pk}) + f"?{query}"
    last = decide(april, decision="accept", comment="")
    assert last["Location"] == f"{LIST}?org=tcpd-shilin&{query}"
    assert "此清單已沒有待審核的填報。" in texts(client, last)
    # Without filters the whole list: the other unit's report is next.
    ProgressReport.objects.filter(pk=april.pk).update(status="submitted")
    response = client.post(reverse("measures:report_review", kwargs={"pk": april.pk}), {"decision": "accept", "comment": ""})
    assert response["Location"] == reverse("measures:report", kwargs={"pk": elsewhere.pk})


def test_the_navigation_counts_pending_reports_for_staff_only(client, user, measure):
    for code in ("tianmu", "wenlin", "lanya"):
        sent(measure, f"shilin-{code}", 5, user("tianmu"))
    client.force_login(user("secretariat"))
    assert '進度填報 <span class="badge text-bg-danger">3<span class="visually-hidden"> 筆待審核</span>' in client.get(LIST).content.decode()
    client.force_login(user("viewer"))
    assert "筆待審核" not in client.get(LIST).content.decode()


def test_the_next_pending_report_is_never_one_the_reviewer_may_not_decide(client, user, measure):
    staff = user("secretariat")
    may = sent(measure, "shilin-tianmu", 5, user("tianmu"))
    own = sent(measure, "shilin-wenlin", 5, staff)  # 研考承辦 sent it: a colleague reviews it
    later = sent(measure, "shilin-lanya", 5, user("tianmu"))
    client.force_login(staff)
    response = client.post(reverse("measures:report_review", kwargs={"pk": may.pk}), {"decision": "accept", "comment": ""})
    assert response["Location"] == reverse("measures:report", kwargs={"pk": later.pk})
    assert ProgressReport.objects.get(pk=own.pk).status == "submitted"


def test_batch_approval_never_decides_a_report_of_another_plan(client, user, measure, plan_106):
    """The ids come from the browser: one of the 107 plan's reports sent to the 106 plan's batch is left undecided."""
    from assessments.plan_copy import plan_copy

    plan_107 = plan_copy(source=plan_106, year=107).plan
    other = report_save(
        measure=plan_107.measures.get(source=Measure.Source.FORM2, name="主動服務"),
        unit=Unit.objects.get(code="shilin-tianmu"), period=date(2018, 5, 1), user=user("tianmu"),
        narrative="本月辦理情形", progress=40, actuals={}, submit=True,
    )
    mine = sent(measure, "shilin-tianmu", 5, user("tianmu"))
    client.force_login(user("secretariat"))
    assert texts(client, client.post(BATCH, {"reports": [mine.pk, other.pk]})) == [
        "已核可 1 筆填報。", "另有 1 筆已不在審核清單中（已撤回或刪除），未核可。"
    ]
    assert ProgressReport.objects.get(pk=mine.pk).status == "accepted"
    assert ProgressReport.objects.get(pk=other.pk).status == "submitted"
