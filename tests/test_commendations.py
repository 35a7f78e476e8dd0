"""獎懲: records of 嘉獎/記功/申誡/記過 with what led to them; staff and the unit's own head only."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assessments.commendation_writes import CommendationError, commendation_record
from assessments.courtesy_writes import courtesy_test_record
from assessments.models import Commendation
from assessments.review_writes import review_open

from .conftest import count_queries, shilin_unit, url

pytestmark = pytest.mark.django_db
LIST = "/plans/106/commendations/"
NEW = "/plans/106/commendations/new/"


@pytest.fixture
def make(plan_106, user):
    def make(code="tianmu", **values):
        values = {"kind": "commend", "reason": "電話禮貌測試表現優良", "decided_on": date(2017, 6, 1), "finding": "督考所見", **values}
        return commendation_record(plan=plan_106, unit=shilin_unit(code), user=user("secretariat"), **values)

    return make


def valid(**changes):
    return {
        "unit": shilin_unit("tianmu").pk, "person_title": "警員", "person_name": "王小明", "kind": "commend", "times": "2",
        "decided_on": "106/06/01", "reason": "接聽電話態度親切", "review": "", "courtesy_test": "", "finding": "督考所見", **changes,
    }


def test_staff_record_a_commendation_with_the_test_that_led_to_it(client, user, plan_106):
    test = courtesy_test_record(plan=plan_106, unit=shilin_unit("tianmu"), tested_on=date(2017, 5, 10), score=Decimal(98),
                                tester="督察組", user=user("secretariat"))
    client.force_login(user("secretariat"))
    assert "天母派出所 106/05/10 98.0 分" in client.get(NEW).content.decode()
    response = client.post(NEW, valid(courtesy_test=test.pk, finding=""))
    record = Commendation.objects.get()
    assert response["Location"] == url("commendation", record)
    assert (record.who, record.kind_display, record.courtesy_test, record.recorded_by) == (
        "天母派出所 警員王小明", "嘉獎二次", test, user("secretariat"))
    page = client.get(url("commendation", record)).content.decode()
    assert "嘉獎二次" in page and "106年6月1日" in page and "電話禮貌測試" in page


def test_a_unit_level_penalty_on_a_review(client, user, plan_106):
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5), title="5月份管制考核", user=user("secretariat"))
    client.force_login(user("secretariat"))
    data = valid(unit=shilin_unit("investigation").pk, person_title="", person_name="", kind="reprimand", times="1", review=review.pk, finding="")
    assert client.post(NEW, data).status_code == 302
    record = Commendation.objects.get()
    assert (record.who, record.kind_display, record.review) == ("偵查隊", "申誡一次", review)
    assert client.post(url("commendation_edit", record), {**data, "kind": "demerit"}).status_code == 302
    record.refresh_from_db()
    assert record.kind_display == "記過一次" and record.history.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"finding": ""}, "請選擇所依據的管制考核或電話禮貌測試，或填寫考核所見。"),
        ({"reason": "  "}, "這個欄位是必須的。"),
        ({"kind": "promote"}, "請從清單中選擇獎懲種類。"),
        ({"times": "3"}, "請從清單中選擇次數。"),
        ({"person_name": ""}, "填寫職稱時請一併填寫姓名。"),
        ({"decided_on": "106/13/01"}, "106/13/01 不是有效的日期"),
        ({"decided_on": "105/12/31"}, "核定日期不可早於計畫執行期程起日（106/01/01）。"),
        ({"review": "999999"}, "請從清單中選擇管制考核。"),
        ({"unit": "999999"}, "請從清單中選擇單位。"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(client, user, changes, message):
    client.force_login(user("secretariat"))
    response = client.post(NEW, valid(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Commendation.objects.exists()


def test_a_courtesy_test_of_another_unit_is_refused(client, user, plan_106):
    test = courtesy_test_record(plan=plan_106, unit=shilin_unit("shezi"), tested_on=date(2017, 5, 10), score=Decimal(60),
                                tester="督察組", user=user("secretariat"))
    client.force_login(user("secretariat"))
    response = client.post(NEW, valid(courtesy_test=test.pk))
    assert "所選的電話禮貌測試是社子派出所的測試，與獎懲單位不同。" in response.content.decode()
    with pytest.raises(CommendationError, match="與獎懲單位不同"):
        commendation_record(plan=plan_106, unit=shilin_unit("tianmu"), kind="commend", reason="r", decided_on=date(2017, 6, 1),
                            courtesy_test=test, user=user("secretariat"))
    assert not Commendation.objects.exists()


def test_the_database_refuses_a_record_without_basis(plan_106, user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commendation.objects.create(plan=plan_106, unit=shilin_unit("tianmu"), kind="commend", reason="r",
                                    decided_on=date(2017, 6, 1), recorded_by=user("secretariat"))


def test_only_staff_and_the_units_own_head_see_a_record(client, user, make, outsider):
    own, other = make("tianmu", person_name="王小明"), make("investigation", kind="demerit")
    client.force_login(user("tianmu"))
    page = client.get(LIST).content.decode()
    assert "天母派出所" in page and "偵查隊" not in page and "登錄獎懲" not in page
    assert client.get(url("commendation", own)).status_code == 200
    assert client.get(url("commendation", other)).status_code == 404
    assert client.get(url("commendation_edit", own)).status_code == 403  # their own, but heads only read
    assert client.post(url("commendation_edit", other), valid()).status_code == 404
    assert client.get(NEW).status_code == 403 and client.post(NEW, valid()).status_code == 403
    client.force_login(user("investigation"))
    page = client.get(LIST).content.decode()
    assert "偵查隊" in page and "王小明" not in page
    assert client.get(url("commendation", own)).status_code == 404
    for person in [user("viewer"), outsider]:
        client.force_login(person)
        for address in [LIST, NEW, url("commendation", own), url("commendation_edit", own)]:
            assert client.get(address).status_code == 404, (person, address)
        assert client.post(url("commendation_edit", own), valid(reason="改")).status_code == 404
    client.force_login(user("secretariat"))
    page = client.get(LIST).content.decode()
    assert "王小明" in page and "偵查隊" in page
    own.refresh_from_db()
    assert own.reason == "電話禮貌測試表現優良" and Commendation.objects.count() == 2


def test_commendation_pages_cost_the_same_queries_with_ten_times_the_records(client, user, make, plan_106):
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5), title="5月", user=user("secretariat"))

    def records():
        return [make("tianmu", review=review), make("tianmu"), make("investigation", kind="demerit")]

    first = records()[0]

    def counts():
        costs = []
        for username in ("secretariat", "tianmu"):
            client.force_login(user(username))
            costs.append(count_queries(lambda: client.get(LIST)))
        costs.append(count_queries(lambda: client.get(url("commendation", first))))
        return costs

    before = counts()
    for _ in range(9):
        records()
    assert Commendation.objects.count() == 30
    assert counts() == before
    assert client.get(LIST).content.decode().count("天母派出所") >= 10


def test_staff_delete_a_record_after_a_confirmation_page(client, user, make):
    record = make("tianmu", person_title="警員", person_name="王小明")
    client.force_login(user("secretariat"))
    assert "刪除此紀錄" in client.get(url("commendation", record)).content.decode()
    page = client.get(url("commendation_delete", record))
    assert page.status_code == 200
    text = page.content.decode()
    assert "刪除獎懲紀錄：天母派出所 警員王小明 嘉獎一次" in text and "電話禮貌測試表現優良" in text and "確定刪除獎懲紀錄" in text
    assert Commendation.objects.filter(pk=record.pk).exists()  # GET only asks
    response = client.post(url("commendation_delete", record), follow=True)
    assert response.redirect_chain == [(LIST, 302)] and "已刪除獎懲紀錄：天母派出所 警員王小明 嘉獎一次。" in response.content.decode()
    assert not Commendation.objects.exists()
    assert Commendation.history.get(history_type="-").history_user == user("secretariat")


def test_only_staff_delete_a_record(client, user, make, outsider):
    own = make("tianmu")
    client.force_login(user("tianmu"))  # the unit's own head reads it, but changes nothing
    assert "刪除此紀錄" not in client.get(url("commendation", own)).content.decode()
    assert client.get(url("commendation_delete", own)).status_code == 403
    assert client.post(url("commendation_delete", own)).status_code == 403
    for person in [user("viewer"), user("investigation"), outsider]:  # to them the record does not exist
        client.force_login(person)
        assert client.get(url("commendation_delete", own)).status_code == 404, person
        assert client.post(url("commendation_delete", own)).status_code == 404, person
    assert Commendation.objects.filter(pk=own.pk).exists()
