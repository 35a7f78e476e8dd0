"""電話禮貌測試: recording tests, who reads which, and units below the pass score on the next 管制考核."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.commendation_writes import commendation_record
from assessments.courtesy_writes import (
    CourtesyError,
    courtesy_test_delete,
    courtesy_test_record,
    courtesy_tests_below_pass,
)
from assessments.models import CourtesyTest, ReviewCourtesyItem
from assessments.review_writes import ReviewError, review_close, review_open
from tests.test_reviews import formset_data

from .conftest import count_queries, shilin_unit, url

pytestmark = pytest.mark.django_db
LIST = "/plans/106/courtesy/"
NEW = "/plans/106/courtesy/new/"


@pytest.fixture
def record(plan_106, user):
    def record(code, tested_on, score, findings=""):
        return courtesy_test_record(
            plan=plan_106, unit=shilin_unit(code), tested_on=tested_on, score=Decimal(score), findings=findings,
            tester="督察組巡官", user=user("secretariat"),
        )

    return record


def valid(**changes):
    return {"unit": shilin_unit("tianmu").pk, "tested_on": "106/05/10", "score": "72.5", "tester": "督察組巡官", "findings": "未報單位名稱", **changes}


def test_staff_record_and_correct_a_test(client, user):
    client.force_login(user("secretariat"))
    response = client.post(NEW, valid())
    test = CourtesyTest.objects.get()
    assert response["Location"] == url("courtesy_test", test)
    assert (test.unit.code, test.tested_on, test.score, test.recorded_by) == ("shilin-tianmu", date(2017, 5, 10), Decimal("72.5"), user("secretariat"))
    page = client.get(url("courtesy_test", test)).content.decode()
    assert "106年5月10日" in page and "未達及格分數" in page and "72.5" in page
    assert client.post(url("courtesy_edit", test), valid(score="88")).status_code == 302
    test.refresh_from_db()
    assert test.score == Decimal("88") and test.history.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"score": "101"}, "分數應介於 0 到 100 之間。"),
        ({"score": "-1"}, "分數應介於 0 到 100 之間。"),
        ({"score": "八十"}, "請輸入 0 到 100 的分數。"),
        ({"score": "72.55"}, "分數最多到小數一位。"),
        ({"tested_on": "106/02/30"}, "106/02/30 不是有效的日期"),
        ({"tested_on": "107/01/05"}, "測試日期應在計畫執行期程內（106/01/01至106/12/31）。"),
        ({"tester": "  "}, "這個欄位是必須的。"),
        ({"unit": "999999"}, "請從清單中選擇受測單位。"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(client, user, changes, message):
    client.force_login(user("secretariat"))
    response = client.post(NEW, valid(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CourtesyTest.objects.exists()


def test_the_service_refuses_a_unit_of_another_organisation(plan_106, user, outsider):
    with pytest.raises(CourtesyError, match="「新北投派出所」不屬於士林分局"):
        courtesy_test_record(plan=plan_106, unit=outsider.memberships.get().unit, tested_on=date(2017, 5, 1),
                             score=Decimal(90), tester="x", user=user("secretariat"))


def test_viewers_read_all_heads_read_their_own_and_only_staff_write(client, user, record, outsider):
    own, other = record("tianmu", date(2017, 5, 10), "72"), record("investigation", date(2017, 5, 11), "91")
    client.force_login(user("viewer"))
    page = client.get(LIST).content.decode()
    assert "天母派出所" in page and "偵查隊" in page
    assert client.get(url("courtesy_test", other)).status_code == 200
    assert client.get(NEW).status_code == 403 and client.post(NEW, valid()).status_code == 403
    assert client.post(url("courtesy_edit", own), valid(score="99")).status_code == 403
    client.force_login(user("tianmu"))
    page = client.get(LIST).content.decode()
    assert "天母派出所" in page and "偵查隊" not in page and "登錄測試結果" not in page
    assert client.get(url("courtesy_test", own)).status_code == 200
    assert client.get(url("courtesy_test", other)).status_code == 404  # another unit's test does not exist for them
    assert client.get(url("courtesy_edit", own)).status_code == 403
    assert client.post(url("courtesy_edit", other), valid(score="99")).status_code == 404
    assert client.post(NEW, valid()).status_code == 403
    client.force_login(outsider)
    for address in [LIST, NEW, url("courtesy_test", own), url("courtesy_edit", own)]:
        assert client.get(address).status_code == 404
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.score, other.score, CourtesyTest.objects.count()) == (Decimal(72), Decimal(91), 2)


# tests (unit, date, score) → the units below the pass score of 80, as of 106/05/31
FEED = [
    ("no tests", [], []),
    ("the latest test counts, not a worse earlier one", [("tianmu", (3, 10), "70"), ("tianmu", (4, 10), "85")], []),
    ("a worse latest test counts", [("tianmu", (3, 10), "90"), ("tianmu", (4, 10), "79.9")], ["tianmu"]),
    ("exactly the pass score passes", [("shezi", (5, 1), "80")], []),
    ("tests after the date wait", [("shezi", (6, 1), "50")], []),
    ("several units in tree order", [("shezi", (5, 1), "60"), ("investigation", (5, 2), "70"), ("lanya", (5, 3), "95")], ["investigation", "shezi"]),
]


@pytest.mark.parametrize(("label", "tests", "expected"), FEED, ids=[f[0] for f in FEED])
def test_it_finds_the_units_below_the_pass_score(plan_106, record, label, tests, expected):
    for code, (month, day), score in tests:
        record(code, date(2017, month, day), score)
    below = courtesy_tests_below_pass(plan_106, until=date(2017, 5, 31))
    in_tree_order = sorted(expected, key=lambda code: shilin_unit(code).tree_order)
    assert [test.unit.code.removeprefix("shilin-") for test in below] == in_tree_order


def test_the_pass_score_is_the_plans(plan_106, record):
    record("tianmu", date(2017, 5, 1), "65")
    plan_106.courtesy_pass_score = 60
    plan_106.save()
    assert courtesy_tests_below_pass(plan_106, until=date(2017, 5, 31)) == []


def opened(plan, user, as_of):
    return review_open(plan=plan, as_of=as_of, meeting_date=as_of, title=f"{as_of.month}月份管制考核", user=user("secretariat"))


def test_units_below_the_pass_score_are_on_the_next_review_and_must_be_decided(client, user, plan_106, record):
    record("tianmu", date(2017, 3, 1), "60")
    record("tianmu", date(2017, 4, 1), "95")  # passed since: not listed
    failed = record("investigation", date(2017, 5, 2), "70", findings="未報單位名稱及職稱")
    review = opened(plan_106, user, date(2017, 5, 31))
    items = list(review.courtesy_items.select_related("unit"))
    assert [(i.unit.code, i.courtesy_test, i.origin, i.pass_score) for i in items] == [("shilin-investigation", failed, "proposed", 80)]
    client.force_login(user("secretariat"))
    page_url = reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
    page = client.get(page_url).content.decode()
    assert "電話禮貌測試未達及格分數的單位" in page and "70.0 分（及格分數 80 分）" in page
    everything_released = {"*": {"decision": "release", "finding": "f", "action": "a"}}
    # A courtesy item kept without a follow-up date: Chinese error, nothing saved.
    bad = client.post(page_url, formset_data(review, courtesy={"偵查隊": {"decision": "keep"}}, **everything_released))
    assert bad.status_code == 400 and "繼續列管時請填追蹤期限。" in bad.content.decode()
    assert not review.items.exclude(decision="").exists()
    # Without the courtesy part of the form nothing is saved either.
    partial = {k: v for k, v in formset_data(review, **everything_released).items() if not k.startswith("courtesy-")}
    assert client.post(page_url, partial).status_code == 400
    assert not review.items.exclude(decision="").exists()
    # Measures decided, the courtesy unit not: closing is refused and names it.
    assert client.post(page_url, formset_data(review, **everything_released)).status_code == 302
    with pytest.raises(ReviewError, match="尚有 1 項未決議（偵查隊電話禮貌測試）"):
        review_close(review=review, user=user("secretariat"))
    decided = {"偵查隊": {"decision": "keep", "finding": "<i>態度欠佳</i>", "action": "加強勤教", "follow_up_due": "106/06/30"}}
    assert client.post(page_url, formset_data(review, courtesy=decided, **everything_released)).status_code == 302
    item = review.courtesy_items.get()
    assert (item.decision, item.follow_up_due, item.action) == ("keep", date(2017, 6, 30), "加強勤教")
    review_close(review=review, user=user("secretariat"))
    client.force_login(user("viewer"))
    shown = client.get(page_url).content.decode()
    assert "&lt;i&gt;態度欠佳&lt;/i&gt;" in shown and "繼續列管" in shown

    # The next review: 偵查隊 carried (with its newer test), a new failure since the last review proposed,
    # and 天母's old failure (before the last review) not counted again.
    newer = record("investigation", date(2017, 6, 10), "85")
    record("shezi", date(2017, 6, 12), "50")
    next_review = opened(plan_106, user, date(2017, 6, 30))
    rows = {i.unit.code: (i.origin, i.courtesy_test_id) for i in next_review.courtesy_items.select_related("unit")}
    assert rows.pop("shilin-investigation") == ("carried", newer.pk)
    assert [(code, origin) for code, (origin, _) in rows.items()] == [("shilin-shezi", "proposed")]


def test_a_test_entered_after_the_last_review_opened_is_proposed_even_if_dated_before_it(user, plan_106, record):
    first = opened(plan_106, user, date(2017, 5, 31))
    first.courtesy_items.update(decision="release")
    first.items.update(decision="release")
    review_close(review=first, user=user("secretariat"))
    # Tested on 5/20 but entered after the May review had been opened: that review never saw it.
    late = record("tianmu", date(2017, 5, 20), "60")
    next_review = opened(plan_106, user, date(2017, 6, 30))
    assert [(i.unit.code, i.courtesy_test_id, i.origin) for i in next_review.courtesy_items.select_related("unit")] == [
        ("shilin-tianmu", late.pk, "proposed")
    ]


def test_the_control_sheet_lists_the_courtesy_units_in_a_section(client, user, plan_106, record):
    record("shezi", date(2017, 5, 3), "61.5", findings="=轉接未告知")
    review = opened(plan_106, user, date(2017, 5, 31))
    ReviewCourtesyItem.objects.filter(review=review).update(decision="keep", follow_up_due=date(2017, 6, 30))
    client.force_login(user("viewer"))
    response = client.get(reverse("assessments:review_export", kwargs={"year": 106, "pk": review.pk}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    measure_rows = review.items.count()
    section = 3 + measure_rows + 1
    assert sheet.cell(section, 1).value == "電話禮貌測試未達及格分數的單位"
    assert [c.value for c in sheet[section + 1]][:6] == ["項次", "受測單位", "測試發現", "測試日期／測試人員", "提列原因", "分數（及格分數）"]
    row = [c.value for c in sheet[section + 2]]
    assert row[:6] == [1, "社子派出所", "=轉接未告知", "106/05/03／督察組巡官", "本次提列", "61.5（80）"]
    assert sheet.cell(section + 2, 3).quotePrefix  # text, never a formula
    assert (row[9], row[10]) == ("106/06/30", "繼續列管")
    assert sheet.max_row == section + 3  # and the sign-off row


def test_courtesy_pages_cost_the_same_queries_with_ten_times_the_tests(client, user, record):
    def tests(month):
        return [record(code, date(2017, month, day), "75") for day, code in enumerate(["tianmu", "shezi", "lanya"], start=1)]

    first = tests(1)[0]

    def counts():
        costs = []
        for username in ("viewer", "tianmu"):
            client.force_login(user(username))
            costs.append(count_queries(lambda: client.get(LIST)))
        costs.append(count_queries(lambda: client.get(url("courtesy_test", first))))
        return costs

    before = counts()
    for month in range(2, 11):
        tests(month)
    assert CourtesyTest.objects.count() == 30
    assert counts() == before


def test_staff_delete_a_test_after_a_confirmation_page(client, user, record):
    test = record("tianmu", date(2017, 5, 10), "72", findings="未報單位名稱")
    client.force_login(user("secretariat"))
    assert "刪除此測試" in client.get(url("courtesy_test", test)).content.decode()
    page = client.get(url("courtesy_delete", test))
    assert page.status_code == 200
    text = page.content.decode()
    assert "刪除天母派出所電話禮貌測試（106/05/10）" in text and "72.0 分" in text and "確定刪除測試" in text
    assert CourtesyTest.objects.filter(pk=test.pk).exists()  # GET only asks
    response = client.post(url("courtesy_delete", test), follow=True)
    assert response.redirect_chain == [(LIST, 302)] and "已刪除天母派出所 106/05/10 的電話禮貌測試。" in response.content.decode()
    assert not CourtesyTest.objects.exists()
    assert CourtesyTest.history.get(history_type="-").history_user == user("secretariat")


def test_a_test_a_commendation_rests_on_is_kept(client, user, plan_106, record):
    test = record("tianmu", date(2017, 5, 10), "95")
    commendation_record(plan=plan_106, unit=test.unit, kind="commend", reason="態度親切", decided_on=date(2017, 6, 1),
                        courtesy_test=test, user=user("secretariat"))
    message = "此電話禮貌測試是 1 筆獎懲紀錄的依據，須保留作為紀錄，不能刪除。"
    client.force_login(user("secretariat"))
    page = client.get(url("courtesy_delete", test)).content.decode()
    assert message in page and "確定刪除測試" not in page
    refused = client.post(url("courtesy_delete", test))
    assert refused.status_code == 400 and message in refused.content.decode()
    with pytest.raises(CourtesyError, match="1 筆獎懲紀錄的依據"):
        courtesy_test_delete(test=test, user=user("secretariat"))
    assert CourtesyTest.objects.filter(pk=test.pk).exists()
    assert not CourtesyTest.history.filter(history_type="-").exists()


def test_a_test_listed_in_a_review_is_kept(client, user, plan_106, record):
    test = record("investigation", date(2017, 5, 2), "70")
    opened(plan_106, user, date(2017, 5, 31))
    client.force_login(user("secretariat"))
    refused = client.post(url("courtesy_delete", test))
    assert refused.status_code == 400
    assert "此電話禮貌測試已列入「5月份管制考核」，須保留作為紀錄，不能刪除。" in refused.content.decode()
    assert CourtesyTest.objects.filter(pk=test.pk).exists() and ReviewCourtesyItem.objects.count() == 1


def test_a_reference_added_after_the_check_is_still_refused_in_chinese(plan_106, user, record, monkeypatch):
    test = record("investigation", date(2017, 5, 2), "70")
    opened(plan_106, user, date(2017, 5, 31))
    monkeypatch.setattr("assessments.courtesy_writes.courtesy_test_kept_reason", lambda test: None)
    with pytest.raises(CourtesyError, match="已被獎懲紀錄或管制考核引用，須保留作為紀錄，不能刪除。"):
        courtesy_test_delete(test=test, user=user("secretariat"))
    assert CourtesyTest.objects.filter(pk=test.pk).exists()


def test_only_staff_delete_a_test(client, user, record, outsider):
    own, other = record("tianmu", date(2017, 5, 10), "72"), record("investigation", date(2017, 5, 11), "91")
    for name in ["viewer", "tianmu"]:  # they read the test, but change nothing
        client.force_login(user(name))
        assert "刪除此測試" not in client.get(url("courtesy_test", own)).content.decode()
        assert client.get(url("courtesy_delete", own)).status_code == 403
        assert client.post(url("courtesy_delete", own)).status_code == 403
    client.force_login(user("tianmu"))  # another unit's test does not exist for them
    assert client.post(url("courtesy_delete", other)).status_code == 404
    for person in [user("investigation"), outsider]:
        client.force_login(person)
        assert client.get(url("courtesy_delete", own)).status_code == 404
        assert client.post(url("courtesy_delete", own)).status_code == 404
    assert CourtesyTest.objects.count() == 2
