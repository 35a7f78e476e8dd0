"""A measure's pages: read by every role that sees the plan; changed only by 研考承辦, with clear Chinese errors."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from diagnosis.models import Unit
from measures.models import Indicator, Measure, PlannedProgress, ProgressReport

from .conftest import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(plan_106):
    return plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")


def url(name, measure, **kwargs):
    return reverse(f"measures:{name}", kwargs={"year": 106, "pk": measure.pk, **kwargs})


def form_data(measure, **changes):
    data = {
        "item": measure.item_id,
        "focus_point": measure.focus_point_id or "",
        "source": measure.source,
        "name": measure.name,
        "content": measure.content,
        "lead_units": [u.pk for u in measure.lead_units.all()],
        "support_units": [u.pk for u in measure.support_units.all()],
        "all_units": "on" if measure.all_units else "",
        "responsible_text": measure.responsible_text,
        "ongoing": "on" if measure.ongoing else "",
        "deadline": "",
        "version": measure.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k in ("deadline", "content", "responsible_text")}


@pytest.mark.parametrize("username", ["secretariat", "viewer", "tianmu", "investigation"])
def test_everyone_who_sees_the_plan_reads_the_measure(client, user, measure, username):
    client.force_login(user(username))
    response = client.get(url("measure", measure))
    assert response.status_code == 200
    html = response.content.decode()
    assert "對於案件偵辦情形主動以電子郵件或簡訊慰問被害人" in html
    assert "主辦：秘書室；協辦：偵查隊；各單位均須辦理" in html
    assert ("編修措施" in html) == (username == "secretariat")
    assert ("填報進度" in html) == (username in ("tianmu", "investigation"))
    assert client.get(url("measure_history", measure)).status_code == 200


def test_an_outsider_gets_404_everywhere(client, outsider, measure):
    client.force_login(outsider)
    for name in ["measure", "measure_edit", "measure_history", "measure_planned", "report_new", "indicator_new"]:
        assert client.get(url(name, measure)).status_code == 404, name
    for name in ["measure_edit", "measure_move", "measure_retire", "measure_planned"]:
        assert client.post(url(name, measure), {}).status_code == 404, name
    indicator = Indicator.objects.first()
    assert client.post(url("indicator_retire", indicator.measure, indicator_pk=indicator.pk)).status_code == 404


@pytest.mark.parametrize("username", ["viewer", "tianmu"])
def test_readers_are_refused_every_change(client, user, measure, username):
    client.force_login(user(username))
    for name in ["measure_edit", "measure_planned", "indicator_new"]:
        assert client.get(url(name, measure)).status_code == 403, name
    before = Measure.objects.get(pk=measure.pk).version
    assert client.post(url("measure_edit", measure), form_data(measure, name="改名")).status_code == 403
    assert client.post(url("measure_move", measure), {"direction": "up"}).status_code == 403
    assert client.post(url("measure_retire", measure), {}).status_code == 403
    assert client.post(reverse("measures:measure_new", kwargs={"year": 106}), form_data(measure)).status_code == 403
    assert Measure.objects.get(pk=measure.pk).version == before
    html = client.get(url("measure_edit", measure)).content.decode()
    assert "沒有權限" in html and "您沒有修改此計畫的權限。" in html


def test_staff_edit_a_measure_and_the_history_says_what_changed(client, user, measure):
    client.force_login(user("secretariat"))
    response = client.post(url("measure_edit", measure), form_data(measure, deadline="106/9/30", content="新內容"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.deadline == date(2017, 9, 30)
    assert measure.content == "新內容"
    assert measure.version == 2
    html = client.get(url("measure_history", measure)).content.decode()
    assert "完成期限：由「（空白）」改為「106/09/30」" in html
    assert "研考承辦" in html
    assert "新增" in html


def test_changing_units_prints_the_new_units(client, user, measure):
    """附表2's text said just what its units compose (秘書室、偵查隊、各單位): untouched, it follows the new units,
    written out rather than blanked."""
    client.force_login(user("secretariat"))
    tianmu = Unit.objects.get(code="shilin-tianmu")
    secretariat = Unit.objects.get(code="shilin-secretariat")
    client.post(url("measure_edit", measure), form_data(measure, support_units=[tianmu.pk]))
    measure.refresh_from_db()
    assert measure.responsible_text == "秘書室、天母派出所、各單位"
    assert measure.units_display() == "秘書室、天母派出所、各單位"
    assert [u.pk for u in measure.lead_units.all()] == [secretariat.pk]
    html = client.get(url("measure_history", measure)).content.decode()
    assert "協辦單位：由「偵查隊」改為「天母派出所」" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "106/02/29"}, "deadline", "106/02/29 不是有效的日期"),
        ({"deadline": "明天"}, "deadline", "日期格式無法辨識"),
        ({"deadline": "107/01/15"}, "deadline", "完成期限應在計畫執行期程內（106/01/01至106/12/31）。"),
        ({"deadline": "106/05/31", "ongoing": "on"}, "deadline", "已勾選賡續辦理時不填完成期限；請擇一。"),
        ({"name": "   "}, "name", "這個欄位是必須的。"),
        ({"name": "x" * 201}, "name", "請確認這個值至多包含 200 個字"),
        ({"item": "999999"}, "item", "選擇有效的選項"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(client, user, measure, changes, field, message):
    client.force_login(user("secretariat"))
    history = measure.history.count()
    response = client.post(url("measure_edit", measure), form_data(measure, **changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert Measure.objects.get(pk=measure.pk).version == measure.version
    assert measure.history.count() == history


def test_a_unit_cannot_lead_and_support_at_once(client, user, measure):
    client.force_login(user("secretariat"))
    lead = [u.pk for u in measure.lead_units.all()]
    response = client.post(url("measure_edit", measure), form_data(measure, support_units=lead))
    assert "秘書室 已是主辦單位，不能同時列為協辦單位。" in str(response.context["form"].errors["support_units"])


def test_a_focus_point_of_another_item_is_refused(client, user, measure, plan_106):
    client.force_login(user("secretariat"))
    foreign = plan_106.measures.get(source="form1", name="服務及時性").focus_point
    response = client.post(url("measure_edit", measure), form_data(measure, focus_point=foreign.pk))
    assert "不屬於評核項目「服務可近性」" in str(response.context["form"].errors["focus_point"])


def test_html_is_stored_as_text_and_shown_escaped(client, user, measure):
    client.force_login(user("secretariat"))
    script = "<script>alert('x')</script>"
    client.post(url("measure_edit", measure), form_data(measure, content=script))
    measure.refresh_from_db()
    assert measure.content == script
    html = client.get(url("measure", measure)).content.decode()
    assert script not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_second_of_two_concurrent_saves_is_refused_with_what_changed(client, user, measure):
    client.force_login(user("secretariat"))
    opened = form_data(measure)  # both people opened version 1
    first = client.post(url("measure_edit", measure), {**opened, "content": "甲的修改"})
    assert first.status_code == 302
    second = client.post(url("measure_edit", measure), {**opened, "content": "乙的修改", "name": "乙改名"})
    assert second.status_code == 409
    html = second.content.decode()
    assert "此措施在您開啟表單後已被其他人修改，您的變更尚未儲存。" in html
    assert "措施內容由「" in html and "改為「甲的修改」" in html
    measure.refresh_from_db()
    assert (measure.content, measure.name) == ("甲的修改", "主動服務")
    # The form now carries the stored version: saving again applies this user's text on purpose.
    assert second.context["form"].data["version"] == 2
    third = client.post(url("measure_edit", measure), {**opened, "version": 2, "content": "乙的修改"})
    assert third.status_code == 302
    measure.refresh_from_db()
    assert measure.content == "乙的修改" and measure.version == 3


@pytest.mark.parametrize("version", [None, ""])
def test_a_save_without_the_version_it_was_opened_at_is_refused(client, user, measure, version):
    """After a stale save is refused, sending the same form without its version must not slip past the check."""
    client.force_login(user("secretariat"))
    opened = form_data(measure)
    assert client.post(url("measure_edit", measure), {**opened, "content": "甲的修改"}).status_code == 302
    data = {**opened, "content": "乙的修改"}
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = client.post(url("measure_edit", measure), data)
    assert response.status_code == 200  # the form again, as for any other error on this page
    assert "此表單缺少開啟時的版本資訊" in response.content.decode()
    measure.refresh_from_db()
    assert measure.content == "甲的修改" and measure.version == 2


def test_staff_create_a_measure_under_a_focus_point(client, user, plan_106, measure):
    client.force_login(user("secretariat"))
    page = client.get(reverse("measures:measure_new", kwargs={"year": 106}) + f"?focus_point={measure.focus_point_id}")
    assert page.context["form"].initial["item"] == measure.item_id
    tianmu = Unit.objects.get(code="shilin-tianmu")
    response = client.post(
        reverse("measures:measure_new", kwargs={"year": 106}),
        {"item": measure.item_id, "focus_point": measure.focus_point_id, "source": "form2", "name": "到府服務新措施",
         "content": "一、內容", "lead_units": [tianmu.pk], "deadline": "106.6.30"},
    )
    created = Measure.objects.get(name="到府服務新措施")
    assert response["Location"] == url("measure", created)
    assert created.deadline == date(2017, 6, 30) and not created.ongoing
    assert created.units_display() == "天母派出所"
    assert [r.history_type for r in created.history.all()] == ["+"]
    assert created.history.first().history_user.username == "secretariat"


def test_staff_reorder_and_retire(client, user, plan_106):
    client.force_login(user("secretariat"))
    def item_rows():
        return list(
            plan_106.measures.filter(item__name="服務一致及正確", source="form1", retired_at__isnull=True).order_by("position", "pk").values_list("name", flat=True)
        )
    first, second = item_rows()[:2]
    target = plan_106.measures.get(item__name="服務一致及正確", source="form1", name=second)
    client.post(url("measure_move", target), {"direction": "up"})
    assert item_rows()[:2] == [second, first]
    response = client.post(url("measure_move", target), {"direction": "up"})
    assert response.status_code == 302 and item_rows()[0] == second
    assert client.post(url("measure_move", target), {"direction": "sideways"}).status_code == 302
    client.post(url("measure_retire", target), {})
    target.refresh_from_db()
    assert target.retired_at is not None and second not in item_rows()
    client.post(url("measure_retire", target), {"action": "restore"})
    target.refresh_from_db()
    assert target.retired_at is None


def test_planned_progress_goes_up_month_by_month(client, user, measure):
    client.force_login(user("secretariat"))
    good = {"m201703": "20", "m201706": "50", "m201712": "100"}
    assert client.post(url("measure_planned", measure), good).status_code == 302
    assert list(measure.planned_progress.values_list("month", "percent")) == [
        (date(2017, 3, 1), 20), (date(2017, 6, 1), 50), (date(2017, 12, 1), 100)
    ]
    falling = client.post(url("measure_planned", measure), {"m201703": "60", "m201706": "50"})
    assert "預定進度不可逐月減少：106年6月（50%）低於 106年3月（60%）。" in falling.content.decode()
    over = client.post(url("measure_planned", measure), {"m201703": "101"})
    assert "預定進度應介於 0 到 100 之間。" in over.content.decode()
    assert PlannedProgress.objects.filter(measure=measure).count() == 3
    assert client.post(url("measure_planned", measure), {"m201712": "100"}).status_code == 302
    assert list(measure.planned_progress.values_list("percent", flat=True)) == [100]


def test_staff_add_change_and_remove_an_indicator(client, user, measure):
    client.force_login(user("secretariat"))
    response = client.post(url("indicator_new", measure), {"name": "簡訊慰問件數", "unit": "件", "target_value": "120"})
    assert response.status_code == 302
    indicator = measure.indicators.get()
    assert indicator.target_display(106) == "106 年目標值 120 件"
    bad = client.post(url("indicator_edit", measure, indicator_pk=indicator.pk), {"name": "x", "unit": "件", "target_value": "-1", "baseline_year": "105"})
    errors = bad.context["form"].errors
    assert "基準年與基準年實際值須同時填寫或同時留空。" in str(errors) and "目標值不可為負數。" in str(errors)
    other = Indicator.objects.exclude(measure=measure).first()
    assert client.get(url("indicator_edit", measure, indicator_pk=other.pk)).status_code == 404
    assert client.post(url("indicator_retire", measure, indicator_pk=indicator.pk)).status_code == 302
    indicator.refresh_from_db()
    assert indicator.retired_at is not None
    client.force_login(user("tianmu"))
    report_form = client.get(url("report_new", measure)).content.decode()
    assert f'name="indicator_{indicator.pk}"' not in report_form  # a retired indicator is not reported on
    client.force_login(user("secretariat"))
    client.post(url("indicator_retire", measure, indicator_pk=indicator.pk), {"action": "restore"})
    indicator.refresh_from_db()
    assert indicator.retired_at is None


def test_the_measure_page_links_each_report_and_for_staff_each_indicators_edit_and_retire(client, user, measure):
    """The links lead where reverse() leads."""
    from django.utils import timezone

    from measures.models import ProgressReport

    indicators = [Indicator.objects.create(measure=measure, name=f"指標{n}", unit="件", target_value=n, position=n) for n in (1, 2)]
    reports = [
        ProgressReport.objects.create(measure=measure, unit=Unit.objects.get(code=code), period=date(2017, 5, 1), narrative="x",
                                      progress=30, status=ProgressReport.Status.SUBMITTED, submitted_at=timezone.now())
        for code in ("shilin-secretariat", "shilin-tianmu")
    ]
    client.force_login(user("secretariat"))
    html = client.get(url("measure", measure)).content.decode()
    for report in reports:
        assert f'<a href="{reverse("measures:report", kwargs={"pk": report.pk})}">106年5月</a>' in html
    for indicator in indicators:
        assert f'<a href="{url("indicator_edit", measure, indicator_pk=indicator.pk)}">編修' in html
        assert f'action="{url("indicator_retire", measure, indicator_pk=indicator.pk)}"' in html
    client.force_login(user("viewer"))
    html = client.get(url("measure", measure)).content.decode()
    assert "/edit/" not in html and "/retire/" not in html and html.count('href="/reports/') == 2


def test_the_measure_page_costs_the_same_queries_with_a_dozen_reports(client, user, measure):
    from django.utils import timezone

    before = {}
    for username in ("tianmu", "secretariat"):
        client.force_login(user(username))
        before[username] = count_queries(lambda: client.get(url("measure", measure)))
    sent = {"status": ProgressReport.Status.SUBMITTED, "submitted_at": timezone.now(), "reviewed_by": user("secretariat")}
    for month in range(1, 7):
        for code, values in (("shilin-tianmu", {"status": ProgressReport.Status.DRAFT}), ("shilin-secretariat", sent)):
            ProgressReport.objects.create(measure=measure, unit=Unit.objects.get(code=code), period=date(2017, month, 1),
                                          narrative="x", progress=month * 10, **values)
    # The same with a dozen reports, drafts among them: the page shows each one's month, unit, progress, state and
    # the day it was sent, all from the one query (who reviewed it is on the report's own page). A head sees
    # their own unit's six; staff see the six the secretariat sent.
    for username in ("tianmu", "secretariat"):
        client.force_login(user(username))
        assert count_queries(lambda: client.get(url("measure", measure))) == before[username]
        assert client.get(url("measure", measure)).content.decode().count('data-label="月份"') == 6


def test_the_history_page_costs_the_same_queries_after_many_edits(client, user, measure):
    client.force_login(user("viewer"))
    history_url = url("measure_history", measure)
    before = count_queries(lambda: client.get(history_url))
    staff = Client()
    staff.force_login(user("secretariat"))
    tianmu = Unit.objects.get(code="shilin-tianmu")
    for i in range(8):
        measure.refresh_from_db()
        staff.post(url("measure_edit", measure), form_data(measure, content=f"第 {i} 版", support_units=[tianmu.pk] if i % 2 else []))
    staff.post(url("measure_retire", measure), {})
    assert measure.history.count() == 10
    pages = []
    assert count_queries(lambda: pages.append(client.get(history_url).content.decode())) == before
    html = pages[0]
    assert "措施內容：由「第 6 版」改為「第 7 版」" in html
    assert "協辦單位：由「（無）」改為「天母派出所」" in html
    from django.utils import timezone

    from sq_portal.roc_dates import format_roc

    assert f"停用時間：由「（空白）」改為「{format_roc(timezone.now())}」" in html


def test_the_progress_table_and_report_rows_write_each_month_and_report_escaped():
    from datetime import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    def progress_table(months):
        return render_to_string("measures/_progress_table.html", {"months": months})

    def report_rows(reports):
        return render_to_string("measures/_report_rows.html", {"reports": reports}).strip()

    months = [{"month": date(2017, m, 1), "planned": 10 * m if m < 3 else None, "reported": 15 if m == 1 else None} for m in (1, 2, 3)]
    table = str(progress_table(months))
    assert '<th scope="col">106年1月</th><th scope="col">106年2月</th><th scope="col">106年3月</th></tr></thead>' in table
    assert '<tr><th scope="row">預定</th><td>10</td><td>20</td><td>—</td></tr>' in table
    assert '<tr><th scope="row">填報</th><td>15</td><td>—</td><td>—</td></tr>' in table

    def report(pk, unit_name, submitted_at, status):
        return SimpleNamespace(pk=pk, period=date(2017, 5, 1), unit=SimpleNamespace(name=unit_name), progress=40,
                               submitted_at=submitted_at, get_status_display=dict(ProgressReport.Status.choices)[status])

    sent = timezone.make_aware(datetime(2017, 6, 1, 0, 30))  # 106/06/01 in Taipei
    rows = str(report_rows([report(1, "<b>天母</b>", sent, ProgressReport.Status.SUBMITTED), report(2, "社子", None, "draft")]))
    first, second = rows.split("</tr>")[:2]
    assert '<a href="/reports/1/">106年5月</a>' in first and '<td data-label="單位">&lt;b&gt;天母&lt;/b&gt;</td>' in first
    assert '<td data-label="進度">40%</td>' in first and '<td data-label="送出">106/06/01</td>' in first
    assert '<td data-label="狀態">草稿</td><td data-label="送出">—</td>' in second
    assert report_rows([]) == ""
