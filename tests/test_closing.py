"""The year's state on every plan page (running, settling until the 結算日, closed), and the report pages refusing
every change after the 結算日 with a Chinese message — never a 500, nothing changed — while the 結算日 itself
still takes December's report.

The 106 plan runs 106/01/01–106/12/31; its 結算日 is set here to 107/01/31 (tests/conftest.py keeps it open)."""

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from diagnosis.models import Unit
from measures.evidence_files import inspect_upload
from measures.models import Evidence, Measure, ProgressReport
from measures.report_writes import report_save

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
CLOSING = date(2018, 1, 31)
SETTLING = "計畫期程已於 106/12/31 結束；107/01/31（結算日）前各單位仍可填報及修正本年度進度（含 12 月份）。"
CLOSED = "本年度已於 107/01/31 結算，填報與審核均已關閉，數據不再變動。"
REFUSED = "本年度計畫已於 107/01/31 結算，填報不能再新增、修改或審核。"
DAYS = {"running": date(2017, 6, 15), "settling": date(2018, 1, 10), "closed": date(2018, 2, 1)}


@contextmanager
def today(day: date):
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=TAIPEI), tick=False):
        yield


@pytest.fixture
def plan(plan_106):
    plan_106.closing_date = CLOSING
    plan_106.save(update_fields=["closing_date"])
    return plan_106


@pytest.fixture
def measure(plan):
    """附表2 主動服務: 天母派出所 carries it (各單位)."""
    return plan.measures.get(source=Measure.Source.FORM2, name="主動服務")


@pytest.fixture
def reports(plan, measure, user, pdf_file, evidence_dir):
    """Made while the year runs: 天母派出所's May draft (with a file) and its April report, sent."""
    head = user("tianmu")

    def report(month, submit):
        upload = pdf_file()
        return report_save(
            measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, month, 1), user=head,
            narrative="本月辦理情形", progress=10 * month, actuals={}, files=[(upload, inspect_upload(upload))], submit=submit,
        )

    with today(DAYS["running"]):
        return {"draft": report(5, False), "sent": report(4, True)}


def page_urls(measure, reports) -> dict[str, tuple[str, str]]:
    """Each plan page: (who opens it, its address)."""
    return {
        "plan dashboard": ("secretariat", reverse("assessments:plan_dashboard", kwargs={"year": 106})),
        "unit page": ("tianmu", reverse("assessments:unit", kwargs={"code": "shilin-tianmu"})),
        "measure page": ("secretariat", reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk})),
        "report page": ("secretariat", reverse("measures:report", kwargs={"pk": reports["sent"].pk})),
        "report list": ("secretariat", reverse("measures:plan_reports", kwargs={"year": 106})),
        "plan tree": ("viewer", reverse("measures:plan", kwargs={"year": 106})),
    }


@pytest.mark.parametrize("state", ["running", "settling", "closed"])
@pytest.mark.parametrize("page", ["plan dashboard", "unit page", "measure page", "report page", "report list", "plan tree"])
def test_every_plan_page_says_the_years_state(client, user, measure, reports, state, page):
    username, url = page_urls(measure, reports)[page]
    with today(DAYS[state]):
        client.force_login(user(username))
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert (SETTLING in html, CLOSED in html) == {"running": (False, False), "settling": (True, False), "closed": (False, True)}[state]


@pytest.mark.parametrize("state", ["running", "settling"])
def test_the_report_form_says_the_years_state_while_it_is_open(client, user, measure, reports, state):
    with today(DAYS[state]):
        client.force_login(user("tianmu"))
        html = client.get(reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk})).content.decode()
        edit = client.get(reverse("measures:report_edit", kwargs={"pk": reports["draft"].pk})).content.decode()
    for page in (html, edit):
        assert (SETTLING in page) is (state == "settling") and CLOSED not in page
        assert "送出給研考承辦" in page


def test_the_settling_notice_names_the_plans_own_last_month_and_a_set_closing_date(client, user, plan):
    plan.end_date, plan.closing_date = date(2017, 11, 30), date(2018, 2, 15)
    plan.save(update_fields=["end_date", "closing_date"])
    with today(date(2018, 2, 15)):  # the 結算日 itself: still open
        client.force_login(user("viewer"))
        html = client.get(reverse("measures:plan", kwargs={"year": 106})).content.decode()
    assert "計畫期程已於 106/11/30 結束；107/02/15（結算日）前各單位仍可填報及修正本年度進度（含 11 月份）。" in html


def test_the_plan_knows_its_state(plan):
    for day, ended, settling, closed in [
        (date(2017, 12, 31), False, False, False),
        (date(2018, 1, 1), True, True, False),
        (CLOSING, True, True, False),
        (date(2018, 2, 1), True, False, True),
    ]:
        with today(day):
            assert (plan.has_ended, plan.is_settling, plan.is_closed()) == (ended, settling, closed), day


# ---------------------------------------------------------------- after the 結算日 nothing changes


def snapshot() -> list:
    return list(ProgressReport.objects.order_by("pk").values_list("pk", "status", "narrative", "progress", "version")) + [
        list(Evidence.objects.order_by("pk").values_list("pk", flat=True))
    ]


def test_on_a_closed_year_the_report_pages_offer_no_change(client, user, reports):
    with today(DAYS["closed"]):
        client.force_login(user("tianmu"))
        draft = client.get(reverse("measures:report", kwargs={"pk": reports["draft"].pk})).content.decode()
        sent = client.get(reverse("measures:report", kwargs={"pk": reports["sent"].pk})).content.decode()
        client.force_login(user("secretariat"))
        reviewed = client.get(reverse("measures:report", kwargs={"pk": reports["sent"].pk})).content.decode()
    assert CLOSED in draft and "編修填報" not in draft and "刪除草稿" not in draft
    assert "撤回" not in sent and "編修填報" not in sent
    assert CLOSED in reviewed and "送出審核" not in reviewed and 'id="review-heading"' not in reviewed


def closed_year_writes(measure, reports) -> dict[str, tuple[str, str, str, dict]]:
    """Each report write: (who, method, address, data)."""
    draft, sent = reports["draft"], reports["sent"]
    new = reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk})
    filing = {"unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-12-01", "narrative": "十二月辦理情形",
              "progress": "100", "submit": "1"}
    return {
        "open the new report form": ("tianmu", "get", new, {}),
        "file a report": ("tianmu", "post", new, filing),
        "open a draft's form": ("tianmu", "get", reverse("measures:report_edit", kwargs={"pk": draft.pk}), {}),
        "change a draft": ("tianmu", "post", reverse("measures:report_edit", kwargs={"pk": draft.pk}),
                           {**filing, "narrative": "改過", "submit": ""}),
        "send a draft": ("tianmu", "post", reverse("measures:report_edit", kwargs={"pk": draft.pk}), filing),
        "delete a draft": ("tianmu", "post", reverse("measures:report_delete", kwargs={"pk": draft.pk}), {}),
        "delete evidence": ("tianmu", "post", reverse("measures:evidence_delete", kwargs={"pk": draft.evidence.get().pk}), {}),
        "withdraw": ("tianmu", "post", reverse("measures:report_withdraw", kwargs={"pk": sent.pk}), {}),
        "accept": ("secretariat", "post", reverse("measures:report_review", kwargs={"pk": sent.pk}), {"decision": "accept"}),
        "return": ("secretariat", "post", reverse("measures:report_review", kwargs={"pk": sent.pk}),
                   {"decision": "return", "comment": "請補正"}),
        "review with nothing chosen": ("secretariat", "post", reverse("measures:report_review", kwargs={"pk": sent.pk}), {}),
    }


@pytest.mark.parametrize("write", [
    "open the new report form", "file a report", "open a draft's form", "change a draft", "send a draft", "delete a draft",
    "delete evidence", "withdraw", "accept", "return", "review with nothing chosen",
])
def test_after_the_closing_date_every_report_write_is_refused_in_chinese(client, user, measure, reports, write):
    username, method, url, data = closed_year_writes(measure, reports)[write]
    before = snapshot()
    with today(DAYS["closed"]):
        client.force_login(user(username))
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        landing = client.get(response["Location"])
    html = landing.content.decode()
    assert landing.status_code == 200
    assert REFUSED in html and CLOSED in html
    assert snapshot() == before


def test_on_the_closing_date_decembers_report_is_filed_and_reviewed(client, user, measure, reports):
    with today(CLOSING):
        client.force_login(user("tianmu"))
        response = client.post(reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk}), {
            "unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-12-01", "narrative": "十二月辦理情形",
            "progress": "100", "submit": "1",
        })
        december = ProgressReport.objects.get(measure=measure, period=date(2017, 12, 1))
        assert response.status_code == 302 and response["Location"] == reverse("measures:report", kwargs={"pk": december.pk})
        assert december.status == "submitted" and december.sent_late  # due 107/01/05
        page = client.get(response["Location"]).content.decode()
        assert SETTLING in page and "編修填報" in page and "撤回" in page
        client.force_login(user("secretariat"))
        assert "送出審核" in client.get(response["Location"]).content.decode()
        client.post(reverse("measures:report_review", kwargs={"pk": december.pk}), {"decision": "accept"})
    december.refresh_from_db()
    assert december.status == "accepted"


def test_a_month_outside_the_plan_is_refused_naming_the_plans_period(client, user, measure):
    with today(DAYS["settling"]):  # January 107 is open for 106's reports, but not a month of the plan
        client.force_login(user("tianmu"))
        response = client.post(reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk}), {
            "unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2018-01-01", "narrative": "一月", "progress": "10",
            "submit": "1",
        })
    assert response.status_code == 200
    assert "填報月份須在計畫執行期程（106年1月至106年12月）內，請從清單中選擇。" in response.content.decode()
    assert not ProgressReport.objects.filter(measure=measure).exists()


def test_a_closed_years_measures_stay_as_they_were(client, user, plan_106):
    """After the 結算日 研考承辦 see no 編修 buttons and every measure write is 403 with the reason; the
    settings page, which can move the 結算日, stays open."""
    plan_106.closing_date = date(2018, 1, 31)
    plan_106.save()
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    client.force_login(user("secretariat"))
    with time_machine.travel(datetime(2018, 2, 1, 9, tzinfo=ZoneInfo("Asia/Taipei")), tick=False):
        page = client.get(f"/plans/106/measures/{measure.pk}/").content.decode()
        assert "編修措施" not in page and "設定預定進度" not in page
        assert "新增措施" not in client.get("/plans/106/").content.decode()
        for url in (f"/plans/106/measures/{measure.pk}/edit/", f"/plans/106/measures/{measure.pk}/planned/", "/plans/106/measures/new/"):
            response = client.post(url, {})
            assert response.status_code == 403 and "結算" in response.content.decode()
        assert client.get("/plans/106/settings/").status_code == 200
    measure.refresh_from_db()
    assert measure.version == 1
