"""定期管制考核: open with proposals, record decisions, close, carry what stays under control, export 管制表."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.courtesy_writes import courtesy_test_record
from assessments.models import ControlReview, ReviewItem
from assessments.review_writes import ReviewError, review_close, review_open
from diagnosis.models import Unit
from measures.models import Measure

from .conftest import count_queries
from .test_dashboards import grow_tenfold

pytestmark = pytest.mark.django_db
LIST = "/plans/106/reviews/"


def opened(plan, user, as_of=date(2017, 5, 31)):
    return review_open(plan=plan, as_of=as_of, meeting_date=as_of, title="106年5月份管制考核", user=user)


def formset_data(review, courtesy=None, **per_item):
    """The review page's POST: the measures' formset ("form-") and the 電話禮貌測試 units' ("courtesy-",
    values by unit name or "*")."""
    items = list(review.items.order_by("pk"))
    data = {"form-TOTAL_FORMS": len(items), "form-INITIAL_FORMS": len(items), "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000}
    for index, item in enumerate(items):
        data[f"form-{index}-id"] = item.pk
        values = {"finding": "", "action": "", "follow_up_unit": "", "follow_up_due": "", "decision": ""}
        values.update(per_item.get(item.measure.name, per_item.get("*", {})))
        for key, value in values.items():
            data[f"form-{index}-{key}"] = value
    courtesy = courtesy or {}
    courtesy_items = list(review.courtesy_items.select_related("unit").order_by("pk"))
    data.update({"courtesy-TOTAL_FORMS": len(courtesy_items), "courtesy-INITIAL_FORMS": len(courtesy_items),
                 "courtesy-MIN_NUM_FORMS": 0, "courtesy-MAX_NUM_FORMS": 1000})
    for index, item in enumerate(courtesy_items):
        data[f"courtesy-{index}-id"] = item.pk
        values = {"finding": "", "action": "", "follow_up_due": "", "decision": ""}
        values.update(courtesy.get(item.unit.name, courtesy.get("*", {})))
        for key, value in values.items():
            data[f"courtesy-{index}-{key}"] = value
    return data


def test_it_proposes_every_overdue_lagging_or_unreported_measure(plan_106, user):
    overdue = plan_106.measures.get(source="form2", name="主動服務")
    overdue.deadline = date(2017, 4, 30)
    overdue.save()
    review = opened(plan_106, user("secretariat"))
    items = list(review.items.select_related("measure"))
    labels = [(item.measure.name, item.status_label) for item in items]
    assert ("主動服務", "逾期") in labels
    # Every other row reports monthly (賡續辦理 or undated) and none sent April's, due on 5/5.
    assert [label for _, label in labels].count("待填報") == 36
    assert len(items) == 37
    form2_names = [item.measure.name for item in items if item.measure.source == "form2"]
    assert "定期進行滿意度調查" in form2_names  # 附表2's undated rows are watched like any other
    item = review.items.get(measure=overdue)
    assert item.follow_up_unit.name == "秘書室"  # its 主辦 unit
    with pytest.raises(ReviewError, match="此計畫已有進行中的管制考核"):
        opened(plan_106, user("secretariat"))


def test_a_review_is_opened_filled_and_closed_through_the_pages(client, user, plan_106):
    client.force_login(user("secretariat"))
    response = client.post(LIST, {"title": "106年5月份管制考核", "as_of": "106/05/31", "meeting_date": "106/06/05"})
    review = ControlReview.objects.get()
    assert response["Location"] == reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "服務及時性" in page and "待填報" in page
    bad = client.post(url, formset_data(review, **{"*": {"decision": "keep", "follow_up_due": "106/02/30"}}))
    assert bad.status_code == 400
    assert "106/02/30 不是有效的日期" in bad.content.decode()
    missing_due = client.post(url, formset_data(review, **{"*": {"decision": "keep"}}))
    assert "繼續列管時請填追蹤期限。" in missing_due.content.decode()
    assert not review.items.exclude(decision="").exists()
    close = reverse("assessments:review_close", kwargs={"year": 106, "pk": review.pk})
    refused = client.post(close, {"confirm": "close"}, follow=True)
    assert "尚有 37 項未決議" in refused.content.decode()
    assert "確認結案" not in client.get(close).content.decode()
    tianmu = Unit.objects.get(code="shilin-tianmu")
    decisions = {"*": {"decision": "release", "finding": "已補填", "action": "按月提醒"},
                 "服務及時性": {"decision": "keep", "finding": "<b>尚未填報</b>", "action": "=HYPERLINK(\"x\")", "follow_up_unit": tianmu.pk, "follow_up_due": "106/06/30"}}
    assert client.post(url, formset_data(review, **decisions)).status_code == 302
    assert client.post(close, {"confirm": "close"}).status_code == 302
    review.refresh_from_db()
    assert review.state == "closed"
    kept = review.items.get(decision="keep")
    assert (kept.measure.name, kept.follow_up_due, kept.follow_up_unit) == ("服務及時性", date(2017, 6, 30), tianmu)
    shown = client.get(url).content.decode()
    assert "&lt;b&gt;尚未填報&lt;/b&gt;" in shown and "<b>尚未填報</b>" not in shown
    # The next review starts from what is still under control.
    next_review = opened(plan_106, user("secretariat"), as_of=date(2017, 6, 30))
    carried = next_review.items.get(measure=kept.measure)
    assert carried.origin == ReviewItem.Origin.CARRIED and carried.follow_up_unit == tianmu
    assert next_review.previous == review


def test_the_control_sheet_is_an_xlsx_as_the_meeting_reads_it(client, user, plan_106):
    review = opened(plan_106, user("secretariat"))
    item = review.items.select_related("measure").get(measure__name="服務及時性")
    item.finding = "=1+1"
    item.action = "@SUM(A1)\x07響鈴"
    item.decision = "keep"
    item.follow_up_due = date(2017, 6, 30)
    item.save()
    client.force_login(user("viewer"))
    response = client.get(reverse("assessments:review_export", kwargs={"year": 106, "pk": review.pk}))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "臺北市政府警察局士林分局 106 年提升服務品質定期管制考核管制表"  # the plan's title once
    assert sheet["A2"].value == "106年5月份管制考核　檢視基準日：106/05/31　會議日期：106/05/31"
    assert "A1:K1" in [str(r) for r in sheet.merged_cells.ranges]
    assert [c.value for c in sheet[3]] == [
        "項次", "構面／評核項目", "措施名稱", "承辦單位", "提列原因", "進度（實際／預定）", "檢討情形", "改善措施", "追蹤單位", "追蹤期限", "決議",
    ]
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1)}
    row = rows["服務及時性"]
    assert row[6].value == "=1+1" and row[6].data_type == "s" and row[6].quotePrefix  # shown as text, never calculated
    assert row[7].value == "@SUM(A1)響鈴" and row[7].quotePrefix
    assert (row[9].value, row[10].value) == ("106/06/30", "繼續列管")
    assert all(r[8].value for r in rows.values())  # 追蹤單位 always named
    assert sheet.max_row == 3 + review.items.count() + 1
    assert [c.value for c in sheet[sheet.max_row] if c.value] == ["承辦人：", "單位主管：", "機關首長："]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$3"
    assert sheet.freeze_panes == "A4"
    ods = client.get(reverse("assessments:review_export_ods", kwargs={"year": 106, "pk": review.pk}))
    assert ods.status_code == 200 and ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods["Content-Disposition"].endswith(".ods")


def test_only_staff_change_reviews_and_heads_do_not_see_them(client, user, plan_106, outsider):
    review = opened(plan_106, user("secretariat"))
    url = reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
    close = reverse("assessments:review_close", kwargs={"year": 106, "pk": review.pk})
    client.force_login(user("viewer"))
    assert client.get(LIST).status_code == 200 and client.get(url).status_code == 200
    assert "開啟新的管制考核" not in client.get(LIST).content.decode()
    assert client.post(LIST, {"title": "x", "as_of": "106/05/31", "meeting_date": "106/05/31"}).status_code == 403
    assert client.post(url, formset_data(review)).status_code == 403
    assert client.post(close).status_code == 403
    for person in [user("tianmu"), outsider]:
        client.force_login(person)
        assert client.get(LIST).status_code == 404 and client.get(url).status_code == 404
        assert client.post(close).status_code == 404
    review.refresh_from_db()
    assert review.state == "open"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "as_of": "106/05/31", "meeting_date": "106/06/01"}, "這個欄位是必須的。"),
        ({"title": "會議", "as_of": "107/01/31", "meeting_date": "106/06/01"}, "檢視基準日應在計畫執行期程內（106/01/01至106/12/31）。"),
        ({"title": "會議", "as_of": "106/13/01", "meeting_date": "106/06/01"}, "106/13/01 不是有效的日期"),
    ],
)
def test_opening_a_review_with_bad_input_writes_nothing(client, user, plan_106, data, message):
    client.force_login(user("secretariat"))
    response = client.post(LIST, data)
    assert message in response.content.decode()
    assert not ControlReview.objects.exists()


def test_a_closed_review_cannot_change(plan_106, user):
    review = opened(plan_106, user("secretariat"))
    review.items.update(decision="release")
    review_close(review=review, user=user("secretariat"))
    with pytest.raises(ReviewError, match="此管制考核已結案"):
        review_close(review=review, user=user("secretariat"))


def test_the_list_counts_the_courtesy_units_among_the_items(client, user, plan_106):
    for code, day in [("shilin-tianmu", 2), ("shilin-investigation", 3)]:  # both below the pass score of 80
        courtesy_test_record(plan=plan_106, unit=Unit.objects.get(code=code), tested_on=date(2017, 5, day),
                             score=Decimal(70), tester="督察組巡官", user=user("secretariat"))
    review = opened(plan_106, user("secretariat"))
    review.items.filter(pk__in=review.items.values("pk")[:3]).update(decision="keep")
    review.courtesy_items.update(decision="keep")
    measures = review.items.count()
    client.force_login(user("viewer"))
    listed = ControlReview.objects.for_list().get()
    # Both relations are joined: each count is distinct, so neither multiplies the other.
    assert (listed.item_count, listed.courtesy_count, listed.kept_count) == (measures + 2, 2, 3)
    page = client.get(LIST).content.decode()
    assert f"{measures + 2} 項（含電話禮貌測試 2 個單位）" in page


def test_review_pages_cost_the_same_queries_with_ten_times_the_reviews_and_items(client, user, plan_106):
    # a unit below the pass score of 電話禮貌測試, so the list counts both kinds of item
    courtesy_test_record(plan=plan_106, unit=Unit.objects.get(code="shilin-tianmu"), tested_on=date(2017, 5, 2),
                         score=Decimal(70), tester="督察組巡官", user=user("secretariat"))
    client.force_login(user("viewer"))

    def counts():
        ControlReview.objects.filter(plan=plan_106, state="open").delete()
        review = opened(plan_106, user("secretariat"))
        page = reverse("assessments:review", kwargs={"year": 106, "pk": review.pk})
        return count_queries(lambda: client.get(LIST)), count_queries(lambda: client.get(page)), review.items.count()

    def earlier_reviews(n):
        ControlReview.objects.bulk_create(
            ControlReview(plan=plan_106, title=f"第{i}次", as_of=date(2017, 4, 30), meeting_date=date(2017, 5, 1),
                          state=ControlReview.State.CLOSED, created_by=user("secretariat"))
            for i in range(n)
        )

    earlier_reviews(1)  # the review opened follows an earlier one either way
    *before, items = counts()
    grow_tenfold(plan_106)
    earlier_reviews(9)
    *after, more_items = counts()
    assert more_items >= 5 * items and after == before


def test_two_reviews_opened_at_once_give_the_loser_the_chinese_message(plan_106, user, monkeypatch):
    opened(plan_106, user("secretariat"))
    # The second opener checked before the first one committed: it sees no open review.
    monkeypatch.setattr("assessments.review_writes._open_review_exists", lambda plan: False)
    with pytest.raises(ReviewError, match="此計畫已有進行中的管制考核"):
        opened(plan_106, user("secretariat"))
    assert ControlReview.objects.filter(plan=plan_106).count() == 1


def test_a_forged_extra_row_adds_nothing(client, plan_106, user):
    # The page offers only the proposed rows; a POST that claims one more form must not create an item.
    client.force_login(user("secretariat"))
    spare = plan_106.measures.get(source="form2", name="主動服務")
    Measure.objects.filter(pk=spare.pk).update(deadline=date(2017, 12, 31))  # dated, with time left: not proposed
    review = opened(plan_106, user("secretariat"))
    before = review.items.count()
    data = formset_data(review, **{"*": {"decision": "keep", "follow_up_due": "106/06/30"}})
    extra = data["form-TOTAL_FORMS"]
    measure = plan_106.measures.exclude(review_items__review=review).get()
    data.update({"form-TOTAL_FORMS": extra + 1, f"form-{extra}-measure": measure.pk, f"form-{extra}-decision": "keep",
                 f"form-{extra}-finding": "偽造", f"form-{extra}-follow_up_due": "106/06/30"})
    response = client.post(f"/plans/106/reviews/{review.pk}/", data)
    assert response.status_code in (302, 400)
    assert review.items.count() == before and not review.items.filter(finding="偽造").exists()
