"""組織診斷 in Chromium: a unit head fills their unit's self-check, saves a draft, submits it and reads the result."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from diagnosis.models import DiagnosisAnswer, Plan, UnitDiagnosis

from ..diagnosis_fixtures import open_round
from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_head_fills_and_submits_the_diagnosis(portal, chromium_page):
    plan = Plan.objects.get(organization__code="tcpd-shilin", year=106)
    diagnosis_round = open_round(plan, get_user_model().objects.get(username="secretariat"), title="106年上半年組織診斷")
    page = chromium_page
    login(page, portal, "tianmu")
    page.goto(f"{portal}/plans/106/diagnosis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("組織診斷")
    assert_accessible(page)
    page.get_by_role("link", name="天母派出所：填寫自評").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("天母派出所自評：106年上半年組織診斷")
    expect(page.locator("main")).to_contain_text("提供申辦業務標準作業流程 SOP，訂定比率。")
    assert_accessible(page)

    points = page.locator("fieldset.focus-point")
    expect(points).to_have_count(26)
    timely = points.filter(has=page.get_by_text("服務及時性（配分 25 分）"))
    # By keyboard: focus the score, type it, tab to the problems found and on to what to improve.
    timely.get_by_label("分數（0 至 25 分）").click()
    page.keyboard.type("18")
    page.keyboard.press("Tab")
    page.keyboard.type("逾期案件偏多")
    page.keyboard.press("Tab")
    page.keyboard.type("每週追蹤處理時限")
    page.get_by_role("button", name="暫存草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已暫存草稿")
    expect(timely.get_by_label("分數（0 至 25 分）")).to_have_value("18")
    expect(timely.get_by_label("發現的問題")).to_have_value("逾期案件偏多")

    # Submitting with blanks is refused, in Chinese, and the page stays accessible.
    page.get_by_role("button", name="送出自評").click()
    expect(page.get_by_role("alert")).to_contain_text("有 25 個欄位需要修正，尚未儲存任何資料")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("main")).to_contain_text("送出前請填寫分數。")
    assert_accessible(page)

    # By mouse: every other focus point gets its full points.
    for index in range(points.count()):
        score = points.nth(index).get_by_label(re.compile(r"^分數"))
        if not score.input_value():
            score.fill(score.get_attribute("max"))
    page.get_by_role("button", name="送出自評").click()
    # Nothing is submitted before the confirmation page's 確認送出.
    expect(page.get_by_role("heading", level=1)).to_contain_text("送出自評：天母派出所")
    expect(page.locator("main")).to_contain_text("總分 993.0 分")
    assert_accessible(page)
    assert UnitDiagnosis.objects.get(round=diagnosis_round, unit__code="shilin-tianmu").state == "draft"
    page.get_by_role("button", name="確認送出").click()
    expect(page.get_by_role("status")).to_contain_text("已送出自評")
    expect(page.locator("main")).to_contain_text("993.0")  # 1000 less the 7 points of 服務及時性
    assert_accessible(page)
    diagnosis = UnitDiagnosis.objects.get(round=diagnosis_round, unit__code="shilin-tianmu")
    assert diagnosis.state == "submitted"
    assert DiagnosisAnswer.objects.get(unit_diagnosis=diagnosis, focus_point__name="服務及時性").improvements == "每週追蹤處理時限"

    page.goto(f"{portal}/plans/106/diagnosis/{diagnosis_round.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("106年上半年組織診斷：診斷結果")
    expect(page.locator("main")).to_contain_text("已送出 1／15 個單位")
    expect(page.get_by_role("table", name="本單位各構面得分、總分與前次比較")).to_contain_text("993.0")
    expect(page.get_by_role("table", name="得分率最低的評核重點與前次比較")).to_contain_text("服務及時性")
    assert_accessible(page)


def test_results_on_a_phone(portal, new_chromium_page):
    plan = Plan.objects.get(organization__code="tcpd-shilin", year=106)
    open_round(plan, get_user_model().objects.get(username="secretariat"))
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "viewer")
    page.goto(f"{portal}/plans/106/diagnosis/")
    page.get_by_role("link", name=re.compile("^診斷結果")).click()
    expect(page.locator("main")).to_contain_text("已送出 0／15 個單位")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_staff_allot_the_points_open_a_round_and_adopt_a_draft(portal, chromium_page):
    from measures.draft_writes import measure_draft_propose

    from ..diagnosis_fixtures import fill

    page = chromium_page
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/diagnosis/allotment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("配分設定")
    assert_accessible(page)
    page.get_by_label("服務一致及正確").fill("90")
    page.get_by_role("button", name="儲存配分").click()
    expect(page.get_by_role("alert")).to_contain_text("構面「基礎服務」各評核項目配分合計 190 分，應等於構面配分 200 分。")
    assert_accessible(page)
    page.get_by_label("服務一致及正確").fill("100")
    page.get_by_role("button", name="儲存配分").click()
    expect(page.get_by_role("status")).to_contain_text("已儲存配分。")

    page.goto(f"{portal}/plans/106/diagnosis/")
    page.get_by_label("診斷名稱").fill("106年上半年組織診斷")
    page.get_by_label("開始日期").fill("106/03/01")
    page.get_by_label("填報截止日").fill("106/03/31")
    page.get_by_role("button", name="開啟組織診斷").click()
    expect(page.get_by_role("status")).to_contain_text("15 個單位待填自評")
    assert_accessible(page)

    diagnosis = UnitDiagnosis.objects.select_related("round").get(unit__code="shilin-tianmu")
    fill(diagnosis, get_user_model().objects.get(username="tianmu"), problems=lambda fp: "櫃檯缺愛心鈴" if fp.name == "服務設施合宜程度" else "")
    answer = DiagnosisAnswer.objects.select_related("unit_diagnosis__round", "focus_point").get(
        unit_diagnosis=diagnosis, focus_point__name="服務設施合宜程度")
    measure_draft_propose(answer=answer, name="增設愛心鈴", content="櫃檯增設愛心鈴", user=get_user_model().objects.get(username="tianmu"))
    page.reload()
    page.get_by_role("link", name="天母派出所").click()
    expect(page.locator("main")).to_contain_text("櫃檯缺愛心鈴")
    assert_accessible(page)
    page.goto(f"{portal}/plans/106/diagnosis/drafts/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^採行\s*「增設愛心鈴」$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("採行措施草案：增設愛心鈴")
    assert_accessible(page)
    page.get_by_role("button", name="確定採行").click()
    expect(page.get_by_role("status")).to_contain_text("已採行「增設愛心鈴」")
    expect(page.get_by_role("heading", level=1)).to_contain_text("增設愛心鈴")
