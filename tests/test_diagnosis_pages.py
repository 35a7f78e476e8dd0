"""組織診斷 pages: allotment, rounds, a unit head's self-check, measure drafts, results; who sees what; query counts."""

import re
from datetime import date

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.urls import reverse

from diagnosis.diagnosis_writes import round_close
from diagnosis.models import DiagnosisAnswer, DiagnosisRound, FocusPoint, Item, UnitDiagnosis
from diagnosis.score_reads import diagnosis_summary, framework_of
from diagnosis.scores import even_allotment
from measures.draft_writes import measure_draft_propose
from measures.models import Measure, MeasureDraft

from .conftest import count_queries
from .diagnosis_fixtures import allot_evenly, fill, open_round

pytestmark = pytest.mark.django_db
ROUNDS = "/plans/106/diagnosis/"
ALLOTMENT = "/plans/106/diagnosis/allotment/"
DRAFTS = "/plans/106/diagnosis/drafts/"


def unit_url(diagnosis_round, code="shilin-tianmu"):
    return reverse("diagnosis:unit", kwargs={"year": 106, "pk": diagnosis_round.pk, "code": code})


def results_url(diagnosis_round):
    return reverse("diagnosis:results", kwargs={"year": 106, "pk": diagnosis_round.pk})


def form_data(plan, score=lambda fp: fp.points, action="save", **text):
    data = {"action": action}
    for place in framework_of(plan).located():
        fp = place.focus_point
        value = score(fp)
        data[f"score_{fp.pk}"] = "" if value is None else value
        data[f"problems_{fp.pk}"] = text.get("problems", {}).get(fp.name, "")
        data[f"improvements_{fp.pk}"] = text.get("improvements", {}).get(fp.name, "")
    return data


def allotment_data(plan, **overrides):
    data = {}
    items, fps = even_allotment(framework_of(plan))
    data.update({f"item_{pk}": v for pk, v in items.items()})
    data.update({f"fp_{pk}": v for pk, v in fps.items()})
    data.update(overrides)
    return data


# ---------------------------------------------------------------- allotment


def test_staff_allot_the_points_and_the_page_refuses_sums_that_do_not_add_up(client, user, plan_106):
    client.force_login(user("secretariat"))
    page = client.get(ALLOTMENT).content.decode()
    assert "配分尚未完成；下列欄位已先填入平均分配的建議值" in page
    item = Item.objects.get(dimension__plan=plan_106, name="服務一致及正確")
    assert f'name="item_{item.pk}" value="100"' in page
    bad = client.post(ALLOTMENT, allotment_data(plan_106, **{f"item_{item.pk}": 90}))
    assert bad.status_code == 400
    assert "構面「基礎服務」各評核項目配分合計 190 分，應等於構面配分 200 分。" in bad.content.decode()
    assert "評核項目「基礎服務／服務一致及正確」各評核重點配分合計 100 分，應等於項目配分 90 分。" in bad.content.decode()
    blank = client.post(ALLOTMENT, allotment_data(plan_106, **{f"item_{item.pk}": "", f"fp_{item.focus_points.first().pk}": "abc"}))
    assert blank.status_code == 400
    assert "請填寫配分。" in blank.content.decode() and "請填寫整數。" in blank.content.decode()
    assert not Item.objects.filter(points__isnull=False).exists()
    assert client.post(ALLOTMENT, allotment_data(plan_106)).status_code == 302
    assert Item.objects.get(pk=item.pk).points == 100
    assert "配分已完成，各構面合計 1000 分。" in client.get(ALLOTMENT).content.decode()


def test_only_staff_open_the_allotment(client, user, plan_106, outsider):
    for name, status in [("viewer", 403), ("tianmu", 403), ("investigation", 403)]:
        client.force_login(user(name))
        assert client.get(ALLOTMENT).status_code == status
        assert client.post(ALLOTMENT, allotment_data(plan_106)).status_code == status
    client.force_login(outsider)
    assert client.get(ALLOTMENT).status_code == 404
    assert not Item.objects.filter(points__isnull=False).exists()


# ---------------------------------------------------------------- rounds


def test_staff_open_a_round_only_after_the_allotment(client, user, plan_106):
    client.force_login(user("secretariat"))
    assert "配分尚未完成（" in client.get(ROUNDS).content.decode()
    refused = client.post(ROUNDS, {"title": "106年組織診斷", "opens_on": "106/03/01", "due_on": "106/03/31"})
    assert refused.status_code == 400
    assert "配分尚未完成，不能開啟組織診斷：" in refused.content.decode()
    assert not DiagnosisRound.objects.exists()
    allot_evenly(plan_106, user("secretariat"))
    response = client.post(ROUNDS, {"title": "106年組織診斷", "opens_on": "106/03/01", "due_on": "106年3月31日"})
    diagnosis_round = DiagnosisRound.objects.get()
    assert response["Location"] == reverse("diagnosis:round", kwargs={"year": 106, "pk": diagnosis_round.pk})
    page = client.get(response["Location"]).content.decode()
    assert "已開啟「106年組織診斷」，15 個單位待填自評。" in page
    assert "各單位填報情形（已送出 0／15）" in page and "天母派出所" in page
    assert "填報截止日 106/03/31" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "opens_on": "106/03/01", "due_on": "106/03/31"}, "這個欄位是必須的。"),
        ({"title": "診斷", "opens_on": "106/02/30", "due_on": "106/03/31"}, "106/02/30 不是有效的日期"),
        ({"title": "診斷", "opens_on": "106/03/31", "due_on": "106/03/01"}, "填報截止日不可早於開始日期。"),
        ({"title": "診斷\x00", "opens_on": "106/03/01", "due_on": "106/03/31"}, "內容含有無法儲存的控制字元"),
    ],
)
def test_opening_a_round_with_bad_input_writes_nothing(client, user, plan_106, data, message):
    allot_evenly(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    response = client.post(ROUNDS, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DiagnosisRound.objects.exists()


def test_viewers_and_heads_cannot_open_or_close_rounds(client, user, plan_106, outsider):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    close = reverse("diagnosis:round_close", kwargs={"year": 106, "pk": diagnosis_round.pk})
    for name in ["viewer", "tianmu"]:
        client.force_login(user(name))
        assert client.post(ROUNDS, {"title": "x", "opens_on": "106/03/01", "due_on": "106/03/31"}).status_code == 403
        assert client.post(close).status_code == 403
        assert "開啟新的組織診斷" not in client.get(ROUNDS).content.decode()
    client.force_login(outsider)
    assert client.get(ROUNDS).status_code == 404 and client.post(close).status_code == 404
    assert DiagnosisRound.objects.get().state == "open"
    client.force_login(user("secretariat"))
    assert "確認結束" in client.get(close).content.decode()
    assert client.post(close).url == close  # no confirmation: nothing closed
    assert DiagnosisRound.objects.get().state == "open"
    assert client.post(close, {"confirm": "close"}).status_code == 302
    assert DiagnosisRound.objects.get().state == "closed"
    again = client.post(close, {"confirm": "close"}, follow=True)
    assert "此組織診斷已結束。" in again.content.decode()


# ---------------------------------------------------------------- a unit head's self-check


def test_a_unit_head_fills_saves_and_submits_their_diagnosis(client, user, plan_106):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    url = unit_url(diagnosis_round)
    client.force_login(user("tianmu"))
    listing = client.get(ROUNDS).content.decode()
    assert f'href="{url}"' in listing and "天母派出所：填寫自評" in listing
    page = client.get(url).content.decode()
    assert "申辦業務標準作業流程訂定情形（配分 25 分）" in page
    assert "提供申辦業務標準作業流程 SOP，訂定比率。" in page  # the criteria
    fp = FocusPoint.objects.get(item__dimension__plan=plan_106, name="服務及時性")
    assert re.search(rf'name="score_{fp.pk}"[^>]*max="25"', page)
    draft = form_data(plan_106, score=lambda f: 10 if f.name == "服務及時性" else None,
                      problems={"服務及時性": "<script>逾期案件多</script>"}, improvements={"服務及時性": "每週追蹤"})
    assert client.post(url, draft).status_code == 302
    shown = client.get(url).content.decode()
    assert "&lt;script&gt;逾期案件多&lt;/script&gt;" in shown and "<script>逾期案件多" not in shown
    assert "將此問題提出為措施草案" in shown
    missing = client.post(url, {**draft, "action": "submit"})
    assert missing.status_code == 400
    assert "送出前請填寫分數。" in missing.content.decode()
    too_high = client.post(url, form_data(plan_106, score=lambda f: 26 if f.name == "服務及時性" else 0, action="submit"))
    assert "分數不可超過此評核重點的配分 25 分。" in too_high.content.decode()
    negative = client.post(url, form_data(plan_106, score=lambda f: -1 if f.name == "服務及時性" else 0, action="submit"))
    assert "分數不可小於 0。" in negative.content.decode()
    assert DiagnosisAnswer.objects.get(focus_point=fp).score == 10
    assert diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu").state == "draft"
    # 送出自評 keeps the answers as a draft and asks to confirm; a POST without the confirmation submits nothing.
    asked = client.post(url, form_data(plan_106, action="submit"), follow=True)
    submit_url = reverse("diagnosis:unit_submit", kwargs={"year": 106, "pk": diagnosis_round.pk, "code": "shilin-tianmu"})
    assert asked.redirect_chain[-1][0] == submit_url
    assert "確認送出" in asked.content.decode() and "送出後研考承辦可以檢視，本單位不能再修改" in asked.content.decode()
    assert DiagnosisAnswer.objects.get(focus_point=fp).score == 25
    assert client.post(submit_url).status_code == 302
    assert diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu").state == "draft"
    done = client.post(submit_url, {"confirm": "submit"}, follow=True)
    assert "已送出自評，研考承辦可以檢視。" in done.content.decode()
    assert "總分（滿分 1000）" in done.content.decode() and "1000.0" in done.content.decode()
    # Once submitted it is final.
    again = client.post(url, form_data(plan_106, score=lambda f: 0), follow=True)
    assert "不能再修改" in again.content.decode()
    assert DiagnosisAnswer.objects.get(focus_point=fp).score == 25


def test_a_draft_is_seen_by_its_unit_head_only(client, user, plan_106, outsider):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"), submit=False,
         problems=lambda fp: "草稿中的問題")
    url = unit_url(diagnosis_round)
    for person in [user("secretariat"), user("viewer"), user("investigation"), outsider]:
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, form_data(plan_106)).status_code == 404
    client.force_login(user("viewer"))
    results = client.get(results_url(diagnosis_round)).content.decode()
    assert "草稿中的問題" not in results and "已送出 0／15 個單位" in results
    client.force_login(user("secretariat"))
    status_page = client.get(reverse("diagnosis:round", kwargs={"year": 106, "pk": diagnosis_round.pk})).content.decode()
    assert f'href="{url}"' not in status_page and "未送出" in status_page
    client.force_login(user("tianmu"))
    assert client.get(url).status_code == 200
    assert client.get(unit_url(diagnosis_round, "shilin-investigation")).status_code == 404


def test_a_submitted_diagnosis_is_read_by_staff_and_viewers_not_by_other_units(client, user, plan_106):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"),
         problems=lambda fp: "已送出的問題" if fp.name == "服務及時性" else "")
    url = unit_url(diagnosis_round)
    for name in ["secretariat", "viewer"]:
        client.force_login(user(name))
        page = client.get(url)
        assert page.status_code == 200 and "已送出的問題" in page.content.decode()
        assert "將此問題提出為措施草案" not in page.content.decode()
        assert client.post(url, form_data(plan_106)).status_code == 403
    client.force_login(user("investigation"))
    assert client.get(url).status_code == 404


def return_url(diagnosis_round, code="shilin-tianmu"):
    return reverse("diagnosis:unit_return", kwargs={"year": 106, "pk": diagnosis_round.pk, "code": code})


def test_staff_return_a_submitted_diagnosis_and_the_head_corrects_and_resubmits_it(client, user, plan_106):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"),
         score=lambda fp: 0 if fp.name == "創新性" else fp.points)
    url, back = unit_url(diagnosis_round), return_url(diagnosis_round)
    round_page = reverse("diagnosis:round", kwargs={"year": 106, "pk": diagnosis_round.pk})
    client.force_login(user("viewer"))
    assert "退回單位修正" not in client.get(url).content.decode()
    client.force_login(user("secretariat"))
    page = client.get(url).content.decode()
    assert "退回單位修正" in page and f'action="{back}"' in page
    assert re.search(r'<label class="form-label" for="id_return_reason">退回原因（必填）</label>', page)
    blank = client.post(back, {"reason": "  "})
    assert blank["Location"] == url
    assert "請填寫退回原因，讓單位知道要修正什麼。" in client.get(url).content.decode()
    assert diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu").state == "submitted"
    done = client.post(back, {"reason": "「創新性」評 0 分與佐證不符，<b>請重評</b>。"})
    assert done["Location"] == round_page
    status_page = client.get(round_page).content.decode()
    assert "已將天母派出所的自評退回，單位修正後會再送出。" in status_page
    assert "退回原因：「創新性」評 0 分與佐證不符，&lt;b&gt;請重評&lt;/b&gt;。" in status_page
    assert "已送出 0／15" in status_page
    assert client.get(url).status_code == 404  # a draft again: staff no longer read it
    assert "已送出 0／15 個單位" in client.get(results_url(diagnosis_round)).content.decode()

    client.force_login(user("tianmu"))
    assert "研考承辦已退回，請修正後再送出" in client.get(round_page).content.decode()
    form = client.get(url).content.decode()
    assert "研考承辦已退回此自評" in form and "退回原因：「創新性」評 0 分與佐證不符，&lt;b&gt;請重評&lt;/b&gt;。" in form
    fp = FocusPoint.objects.get(item__dimension__plan=plan_106, name="創新性")
    assert re.search(rf'name="score_{fp.pk}"[^>]*value="0"', form)  # the answers are kept for the correction
    client.post(url, form_data(plan_106, action="submit"))
    resubmitted = client.post(f"{url}submit/", {"confirm": "submit"}, follow=True).content.decode()
    assert "已送出自評，研考承辦可以檢視。" in resubmitted and "研考承辦已退回此自評" not in resubmitted
    assert DiagnosisAnswer.objects.get(focus_point=fp, unit_diagnosis__unit__code="shilin-tianmu").score == fp.points

    client.force_login(user("secretariat"))
    assert "退回原因" not in client.get(round_page).content.decode()
    results = client.get(results_url(diagnosis_round)).content.decode()
    assert "已送出 1／15 個單位" in results and "1000.0" in results


def test_only_staff_return_a_diagnosis_and_only_while_the_round_is_open(client, user, plan_106, outsider):
    staff = user("secretariat")
    diagnosis_round = open_round(plan_106, staff)
    fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"))
    back = return_url(diagnosis_round)
    assert client.post(back, {"reason": "x"})["Location"].startswith("/accounts/login/")
    for person, status in [(user("viewer"), 403), (user("tianmu"), 403), (user("investigation"), 404), (outsider, 404)]:
        client.force_login(person)
        assert client.post(back, {"reason": "x"}).status_code == status
    client.force_login(staff)
    assert client.get(back).status_code == 405
    assert diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu").state == "submitted"
    round_close(diagnosis_round=diagnosis_round, user=staff)
    assert "退回單位修正" not in client.get(unit_url(diagnosis_round)).content.decode()
    refused = client.post(back, {"reason": "x"}, follow=True).content.decode()
    assert "此組織診斷已結束，不能再退回自評。" in refused
    assert diagnosis_round.unit_diagnoses.get(unit__code="shilin-tianmu").state == "submitted"


# ---------------------------------------------------------------- measure drafts


def test_a_problem_is_proposed_and_staff_adopt_it_as_a_measure(client, user, plan_106, outsider):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu")
    fill(diagnosis, user("tianmu"), submit=False, problems=lambda fp: "櫃檯缺愛心鈴" if fp.name == "服務設施合宜程度" else "")
    answer = DiagnosisAnswer.objects.get(unit_diagnosis=diagnosis, focus_point__name="服務設施合宜程度")
    propose = reverse("measures:draft_propose", kwargs={"year": 106, "pk": answer.pk})
    for person, status in [(user("secretariat"), 404), (user("investigation"), 404), (outsider, 404)]:
        client.force_login(person)
        assert client.get(propose).status_code == status
    client.force_login(user("tianmu"))
    form = client.get(propose).content.decode()
    assert "櫃檯缺愛心鈴" in form and "服務友善／服務設施合宜程度" in form
    bad = client.post(propose, {"name": "　", "content": "x"})
    assert bad.status_code == 400 and "這個欄位是必須的。" in bad.content.decode()
    assert not MeasureDraft.objects.exists()
    assert client.post(propose, {"name": "增設愛心鈴", "content": "櫃檯增設愛心鈴"}).status_code == 302
    draft = MeasureDraft.objects.get()
    assert "增設愛心鈴" in client.get(DRAFTS).content.decode()
    client.force_login(user("investigation"))
    assert "增設愛心鈴" not in client.get(DRAFTS).content.decode()
    decide = reverse("measures:draft_decide", kwargs={"year": 106, "pk": draft.pk})
    assert client.post(decide, {"action": "adopt"}).status_code == 404
    for name in ["viewer", "tianmu"]:
        client.force_login(user(name))
        assert client.post(decide, {"action": "adopt"}).status_code == 403
    client.force_login(user("secretariat"))
    assert "增設愛心鈴" in client.get(DRAFTS).content.decode()
    unknown = client.post(decide, {"action": "maybe"}, follow=True)
    assert "請選擇採行或不採行。" in unknown.content.decode()
    response = client.post(decide, {"action": "adopt"})
    measure = Measure.objects.get(name="增設愛心鈴")
    assert response["Location"] == reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk})
    assert [u.name for u in measure.lead_units.all()] == ["天母派出所"] and measure.source == "form2"
    twice = client.post(decide, {"action": "decline"}, follow=True)
    assert "此措施草案已處理（已採行），不能重複處理。" in twice.content.decode()


# ---------------------------------------------------------------- results


def test_results_per_unit_and_for_the_precinct_with_the_previous_round(client, user, plan_106):
    staff = user("secretariat")
    first = open_round(plan_106, staff, title="上半年")
    fill(first.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"), score=lambda fp: 0)
    round_close(diagnosis_round=first, user=staff)
    second = open_round(plan_106, staff, title="下半年", opens_on=date(2017, 9, 1), due_on=date(2017, 9, 30))
    fill(second.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"))
    fill(second.unit_diagnoses.select_related("round").get(unit__code="shilin-investigation"), user("investigation"),
         score=lambda fp: 0 if fp.name == "創新性" else fp.points)
    client.force_login(user("viewer"))
    page = client.get(results_url(second)).content.decode()
    assert "已送出 2／15 個單位" in page and "已送出單位的平均" in page
    assert "比較對象：前次診斷「上半年」" in page
    assert "975.0" in page  # the precinct: (1000 + 950) / 2
    assert "+975.0" in page  # against 上半年's 0.0
    assert page.count(">未填<") == 13
    weakest = page[page.index("最弱的評核重點（"):]
    body = weakest[weakest.index("<tbody>"):]
    first_row = body[:body.index("</tr>")]
    assert "創新性" in first_row and "50.0%" in first_row  # 0 and 50 of 50 points
    client.force_login(user("tianmu"))
    own = client.get(results_url(second)).content.decode()
    assert "本單位得分" in own and "天母派出所" in own and "偵查隊" not in own and "文林派出所" not in own
    assert "975.0" in own
    client.force_login(user("secretariat"))
    assert "無前次診斷可比較" in client.get(results_url(first)).content.decode()


def test_results_of_a_round_nobody_submitted(client, user, plan_106):
    diagnosis_round = open_round(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    page = client.get(results_url(diagnosis_round)).content.decode()
    assert "尚無單位送出自評。" in page and page.count(">未填<") == 15


# ---------------------------------------------------------------- query counts


def test_diagnosis_pages_cost_the_same_queries_with_ten_times_the_rounds_answers_and_drafts(client, user, plan_106):
    staff = user("secretariat")
    first = open_round(plan_106, staff, title="上半年")
    fill(first.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"),
         problems=lambda fp: "問題")
    round_close(diagnosis_round=first, user=staff)
    second = open_round(plan_106, staff, title="下半年", opens_on=date(2017, 9, 1), due_on=date(2017, 9, 30))
    diagnosis = second.unit_diagnoses.select_related("round").get(unit__code="shilin-investigation")
    fill(diagnosis, user("investigation"), problems=lambda fp: "問題")

    def drafts(count):
        answers = DiagnosisAnswer.objects.select_related("unit_diagnosis__round", "focus_point").order_by("pk")
        for answer in answers[MeasureDraft.objects.count():count]:
            measure_draft_propose(answer=answer, name=f"草案{answer.pk}", content="x", user=user("tianmu"))

    drafts(3)
    pages = {
        "viewer": [ROUNDS, reverse("diagnosis:round", kwargs={"year": 106, "pk": second.pk}),
                   unit_url(second, "shilin-investigation"), results_url(second), DRAFTS],
        "tianmu": [ROUNDS, unit_url(second)],
        "secretariat": [ALLOTMENT],
    }

    def counts():
        costs = {}
        for username, addresses in pages.items():
            client.force_login(user(username))
            for address in addresses:
                costs[username, address] = count_queries(lambda: client.get(address))  # noqa: B023
        return costs

    before = counts()
    # Nine earlier closed rounds with every unit's diagnosis, every unit's answers in the open one, ten times the drafts.
    units = list(second.unit_diagnoses.values_list("unit_id", flat=True))
    earlier = DiagnosisRound.objects.bulk_create(
        DiagnosisRound(plan=plan_106, title=f"第{day}次", opens_on=date(2017, 1, day), due_on=date(2017, 1, day),
                       state=DiagnosisRound.State.CLOSED, created_by=staff)
        for day in range(1, 10)
    )
    UnitDiagnosis.objects.bulk_create(UnitDiagnosis(round=r, unit_id=unit) for r in earlier for unit in units)
    for other in second.unit_diagnoses.select_related("round").exclude(unit__code="shilin-investigation"):
        fill(other, staff, problems=lambda fp: "問題")
    drafts(30)
    assert MeasureDraft.objects.count() == 30 and len(units) >= 10
    assert counts() == before


@pytest.mark.parametrize("label", ["diagnosis.DiagnosisRound", "diagnosis.UnitDiagnosis", "measures.MeasureDraft"])
def test_the_admin_opens_the_diagnosis_models_with_data(client, user, plan_106, label):
    model = apps.get_model(label)
    diagnosis_round = open_round(plan_106, user("secretariat"))
    diagnosis = fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"),
                     submit=False, problems=lambda fp: "問題")
    answer = diagnosis.answers.select_related("unit_diagnosis__round", "focus_point").first()
    measure_draft_propose(answer=answer, name="草案", content="", user=user("tianmu"))
    client.force_login(user("admin"))
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.first().pk])).status_code == 200


def test_the_summary_card_for_the_plan_dashboard(user, plan_106):
    empty = render_to_string("diagnosis/_summary_card.html", {"plan": plan_106, "diagnosis_summary": diagnosis_summary(plan_106)})
    assert "尚未辦理組織診斷。" in empty
    diagnosis_round = open_round(plan_106, user("secretariat"))
    fill(diagnosis_round.unit_diagnoses.select_related("round").get(unit__code="shilin-tianmu"), user("tianmu"), score=lambda fp: 0)
    card = render_to_string("diagnosis/_summary_card.html", {"plan": plan_106, "diagnosis_summary": diagnosis_summary(plan_106)})
    assert "106年組織診斷" in card and "（進行中）" in card
    assert "<strong>0.0</strong>／1000 分（已送出單位平均）" in card and "已送出 1／15 個單位" in card
    assert reverse("diagnosis:results", kwargs={"year": 106, "pk": diagnosis_round.pk}) in card


def test_the_allotment_is_read_only_once_a_round_was_opened(client, user, plan_106):
    open_round(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    page = client.get(ALLOTMENT).content.decode()
    assert "此計畫已開啟過組織診斷，配分不能再修改" in page and "儲存配分" not in page
    item = Item.objects.get(dimension__plan=plan_106, name="服務一致及正確")
    assert re.search(rf'name="item_{item.pk}" value="100"[^>]*disabled', page)
    refused = client.post(ALLOTMENT, allotment_data(plan_106, **{f"item_{item.pk}": 90}))
    assert refused.status_code == 400 and "配分不能再修改" in refused.content.decode()
    assert Item.objects.get(pk=item.pk).points == 100
