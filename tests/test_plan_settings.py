"""計畫設定: 研考承辦 set the 結算日, 每月填報期限, 落後門檻 and 及格分數; others may not; bad input writes nothing;
a new 每月填報期限 re-marks the plan's late reports."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnosis.models import Plan, Unit
from measures.models import Measure, ProgressReport
from measures.plan_settings import plan_settings_save, reports_lateness_recompute
from measures.report_writes import report_save

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
URL = reverse("measures:plan_settings", kwargs={"year": 106})
VALID = {"closing_date": "107/02/28", "report_due_day": "10", "lag_threshold": "15", "courtesy_pass_score": "85"}
SETTINGS = ["closing_date", "report_due_day", "lag_threshold", "courtesy_pass_score", "submission_due"]


def stored(plan) -> tuple:
    return tuple(Plan.objects.filter(pk=plan.pk).values_list(*SETTINGS).get())


@pytest.fixture
def plan(plan_106):
    """The 106 plan with its 結算日 left at the default (one month after its end) and today inside the year."""
    with time_machine.travel(datetime(2017, 6, 15, 10, tzinfo=TAIPEI), tick=False):
        plan_106.closing_date = None
        plan_106.save(update_fields=["closing_date"])
        yield plan_106


def test_it_shows_the_settings_with_the_default_closing_date_as_a_hint(client, user, plan):
    client.force_login(user("secretariat"))
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "計畫設定" in html and 'name="closing_date"' in html and 'name="report_due_day" value="5"' in html
    assert "空白為計畫迄日後一個月（107/01/31）" in html
    assert "重新開放" in html  # reopening a closed year is theirs to decide, and the help text says so
    assert 'name="lag_threshold" value="10"' in html and 'name="courtesy_pass_score" value="80"' in html


def test_it_saves_the_settings_and_records_who_changed_them(client, user, plan):
    staff = user("secretariat")
    client.force_login(staff)
    before = plan.history.count()
    response = client.post(URL, VALID)
    assert response.status_code == 302 and response["Location"] == f"{URL}?org=tcpd-shilin"
    assert stored(plan) == (date(2018, 2, 28), 10, 15, 85, None)
    assert plan.history.count() == before + 1
    latest = plan.history.order_by("-history_id").first()
    assert latest.history_user == staff and latest.closing_date == date(2018, 2, 28)
    html = client.get(response["Location"]).content.decode()
    assert "已儲存計畫設定。" in html
    assert "設定變更紀錄" in html and "結算日：未設（107/01/31） → 107/02/28" in html and "研考承辦" in html
    assert "每月填報期限（次月幾日）：次月 5 日 → 次月 10 日" in html


def test_a_blank_closing_date_means_one_month_after_the_end(client, user, plan):
    plan.closing_date = date(2018, 3, 31)
    plan.save(update_fields=["closing_date"])
    client.force_login(user("secretariat"))
    assert client.post(URL, {**VALID, "closing_date": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.closing_date is None and plan.closes_on == date(2018, 1, 31)


def test_it_reopens_a_closed_year_and_records_it(client, user, plan_106):
    with time_machine.travel(datetime(2018, 3, 1, 10, tzinfo=TAIPEI), tick=False):
        plan_106.closing_date = date(2018, 1, 31)
        plan_106.save(update_fields=["closing_date"])
        assert plan_106.is_closed()
        client.force_login(user("secretariat"))
        assert client.post(URL, {**VALID, "closing_date": "107/03/31", "report_due_day": "5"}).status_code == 302
        plan_106.refresh_from_db()
        assert not plan_106.is_closed() and plan_106.is_settling
        assert plan_106.history.order_by("-history_id").first().history_user.username == "secretariat"
        html = client.get(URL).content.decode()
        assert "結算日：107/01/31 → 107/03/31" in html
        assert "107/03/31（結算日）前各單位仍可填報" in html


@pytest.mark.parametrize("username, status", [("viewer", 403), ("tianmu", 403), ("investigation", 403)])
def test_others_who_read_the_plan_may_not_change_it(client, user, plan, username, status):
    client.force_login(user(username))
    before = stored(plan)
    assert client.get(URL).status_code == status
    assert client.post(URL, VALID).status_code == status
    assert stored(plan) == before


def test_an_outsider_finds_no_such_plan(client, plan, outsider):
    client.force_login(outsider)
    before = stored(plan)
    assert client.get(URL).status_code == 404
    assert client.post(URL, VALID).status_code == 404
    assert client.get(f"{URL}?org=tcpd-shilin").status_code == 404
    assert stored(plan) == before


def test_anonymous_is_sent_to_sign_in(client, plan):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("field, value, message", [
    ("closing_date", "106/12/30", "結算日不可早於計畫執行期程迄日（106/12/31）。"),
    ("closing_date", "106/02/30", "106/02/30 不是有效的日期"),
    ("closing_date", "下個月底", "日期格式無法辨識"),
    ("report_due_day", "0", "每月填報期限須為次月 1 至 28 日。"),
    ("report_due_day", "29", "每月填報期限須為次月 1 至 28 日。"),
    ("report_due_day", "五", "請輸入整數。"),
    ("report_due_day", "", "這個欄位是必須的。"),
    ("lag_threshold", "0", "落後門檻須為 1 至 100 個百分點。"),
    ("courtesy_pass_score", "101", "及格分數應介於 0 到 100 之間。"),
    ("courtesy_pass_score", "-1", "及格分數應介於 0 到 100 之間。"),
    ("submission_due", "99/05/31", "送審期限須在 106 或 107 年內。"),
    ("submission_due", "106/02/30", "106/02/30 不是有效的日期"),
])
def test_bad_input_is_answered_beside_its_field_and_writes_nothing(client, user, plan, field, value, message):
    client.force_login(user("secretariat"))
    before, versions = stored(plan), plan.history.count()
    response = client.post(URL, {**VALID, field: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="error_1_id_{field}"' in html  # crispy's error beside the field
    assert stored(plan) == before and plan.history.count() == versions


def test_the_service_refuses_what_the_form_refuses(plan, user):
    from django.core.exceptions import ValidationError

    before = stored(plan)
    with pytest.raises(ValidationError) as refused:
        plan_settings_save(
            plan=plan, user=user("secretariat"), closing_date=date(2017, 12, 1), report_due_day=31, lag_threshold=10,
            courtesy_pass_score=80, submission_due=None,
        )
    assert set(refused.value.message_dict) == {"closing_date", "report_due_day"}
    assert stored(plan) == before


# ---------------------------------------------------------------- 逾時填報 follows the 每月填報期限


def sent_at(measure, code: str, month: int, when: datetime | None, user) -> ProgressReport:
    """A report of unit `code` for `month` of 106, first sent at `when` (Taipei time; None: a draft never sent)."""
    report = report_save(
        measure=measure, unit=Unit.objects.get(code=code), period=date(2017, month, 1), user=user, narrative="辦理情形",
        progress=8 * month, actuals={}, submit=when is not None,
    )
    if when is not None:
        ProgressReport.objects.filter(pk=report.pk).update(first_submitted_at=when, submitted_at=when)
    return report


def taipei(*args) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)


@pytest.fixture
def measure(plan):
    return plan.measures.get(source=Measure.Source.FORM2, name="主動服務")


def test_a_new_due_day_re_marks_the_late_reports(client, user, plan, measure):
    head = user("tianmu")
    reports = {
        "april_on_the_3rd": sent_at(measure, "shilin-tianmu", 4, taipei(2017, 5, 3, 9), head),
        "may_late_evening_of_the_5th": sent_at(measure, "shilin-tianmu", 5, taipei(2017, 6, 5, 23, 30), head),
        "june_just_after_midnight_of_the_6th": sent_at(measure, "shilin-tianmu", 6, taipei(2017, 7, 6, 0, 10), head),
        "july_on_the_8th": sent_at(measure, "shilin-tianmu", 7, taipei(2017, 8, 8, 9), head),
        "december_in_january": sent_at(measure, "shilin-tianmu", 12, taipei(2018, 1, 9, 9), head),
        "august_never_sent": sent_at(measure, "shilin-tianmu", 8, None, head),
    }

    def late() -> dict[str, bool]:
        flags = dict(ProgressReport.objects.filter(measure=measure).values_list("pk", "sent_late"))
        return {name: flags[report.pk] for name, report in reports.items()}

    reports_lateness_recompute(plan)  # with the plan's own day (5): the same answer report_save gives
    assert late() == {
        "april_on_the_3rd": False, "may_late_evening_of_the_5th": False, "june_just_after_midnight_of_the_6th": True,
        "july_on_the_8th": True, "december_in_january": True, "august_never_sent": False,
    }
    client.force_login(user("secretariat"))
    assert client.post(URL, {**VALID, "report_due_day": "8"}).status_code == 302
    assert late() == {
        "april_on_the_3rd": False, "may_late_evening_of_the_5th": False, "june_just_after_midnight_of_the_6th": False,
        "july_on_the_8th": False, "december_in_january": True, "august_never_sent": False,
    }
    assert client.post(URL, {**VALID, "report_due_day": "2"}).status_code == 302
    assert all(late()[name] for name in reports if name != "august_never_sent")


def test_the_re_marking_costs_the_same_queries_with_ten_times_the_reports(user, plan, measure):
    head = user("tianmu")
    staff = user("secretariat")

    def queries_to_save(due_day: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            plan_settings_save(plan=plan, user=staff, closing_date=None, report_due_day=due_day, lag_threshold=10,
                               courtesy_pass_score=80, submission_due=None)
        return len(queries)

    sent_at(measure, "shilin-tianmu", 5, taipei(2017, 6, 7, 9), head)
    few = queries_to_save(6)
    others = list(plan.measures.exclude(pk=measure.pk).filter(all_units=True)[:9]) or [measure]
    for month in range(1, 13):
        for other in others:
            if not ProgressReport.objects.filter(measure=other, unit__code="shilin-tianmu", period=date(2017, month, 1)).exists():
                sent_at(other, "shilin-tianmu", month, taipei(2017, month % 12 + 1, 7, 9), head)
    assert ProgressReport.objects.filter(measure__plan=plan).count() >= 10
    assert queries_to_save(9) == few
    assert not ProgressReport.objects.filter(measure__plan=plan, sent_late=True).exclude(period=date(2017, 12, 1)).exists()


def test_the_same_due_day_leaves_the_marks_alone(user, plan, measure):
    report = sent_at(measure, "shilin-tianmu", 5, taipei(2017, 6, 7, 9), user("tianmu"))
    ProgressReport.objects.filter(pk=report.pk).update(sent_late=False)  # as it was marked when it was sent
    plan_settings_save(plan=plan, user=user("secretariat"), closing_date=None, report_due_day=5, lag_threshold=12,
                       courtesy_pass_score=80, submission_due=None)
    report.refresh_from_db()
    assert report.sent_late is False


# ---------------------------------------------------------------- where 研考承辦 find the page


def test_staff_find_the_page_in_the_navigation_and_on_the_plan_others_do_not(client, user, plan):
    for username, shown in [("secretariat", True), ("viewer", False), ("tianmu", False)]:
        client.force_login(user(username))
        html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
        assert (f'href="{URL}"' in html) is shown, username  # the navigation
        assert (f'href="{URL}?org=tcpd-shilin"' in html) is shown, username  # the plan's staff actions
