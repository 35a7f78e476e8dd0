"""創意提案, 電話禮貌測試 and 獎懲 in Chromium: each page used by keyboard-labelled fields and checked with axe."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_proposal_is_filed_reviewed_and_adopted(portal, chromium_page):
    page = chromium_page
    login(page, portal, "tianmu")
    page.goto(f"{portal}/plans/106/proposals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("創意提案")
    assert_accessible(page)
    page.get_by_role("link", name="提出創意提案").click()
    page.get_by_label("提案名稱").fill("值班臺設置叫號機")
    page.get_by_role("button", name="送出提案").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("這個欄位是必須的。")
    assert_accessible(page)
    page.get_by_label("現況問題").fill("尖峰時段民眾久候")
    page.get_by_label("改善建議").fill("設置叫號機")
    page.get_by_role("button", name="送出提案").click()
    expect(page.get_by_role("status")).to_contain_text("已送出提案「值班臺設置叫號機」")
    assert_accessible(page)
    detail = page.url
    page.get_by_role("link", name="刪除提案").click()  # the confirmation page, then back without removing
    expect(page.get_by_role("heading", level=1)).to_contain_text("刪除")
    assert_accessible(page)
    page.get_by_role("link", name="取消").click()
    expect(page).to_have_url(detail)
    logout(page)

    login(page, portal, "secretariat")
    page.goto(detail)
    page.get_by_role("button", name="送出決定").click()  # 審查中 needs no reason
    expect(page.get_by_role("status")).to_contain_text("已改為「審查中」")
    page.get_by_label("改為").select_option(label="採行")
    page.get_by_role("button", name="送出決定").click()
    expect(page.locator("main")).to_contain_text("改為「採行」時請填寫理由。")
    assert_accessible(page)
    page.get_by_label("理由").fill("具體可行")
    page.get_by_role("button", name="送出決定").click()
    expect(page.locator("main")).to_contain_text("審查中 → 採行")
    assert_accessible(page)
    page.goto(f"{portal}/plans/106/proposals/")
    expect(page.locator("tfoot")).to_contain_text("100.0%")
    assert_accessible(page)


def test_a_failed_courtesy_test_reaches_the_review_and_a_penalty(portal, new_chromium_page):
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/courtesy/new/")
    assert_accessible(page)
    page.get_by_label("受測單位").select_option(label="天母派出所")
    page.get_by_label("測試日期").fill("106/05/10")
    page.get_by_label("分數").fill("101")
    page.get_by_label("測試人員").fill("督察組巡官")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("分數應介於 0 到 100 之間。")
    assert_accessible(page)
    page.get_by_label("分數").fill("62.5")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("未達及格分數，列入下次管制考核")
    assert_accessible(page)
    page.goto(f"{portal}/plans/106/courtesy/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{portal}/plans/106/reviews/")
    page.get_by_label("檢視基準日").fill("106/05/31")
    page.get_by_label("會議日期").fill("106/06/05")
    page.get_by_role("button", name="開啟並提列措施").click()
    expect(page.get_by_role("status")).to_contain_text("及 1 個電話禮貌測試未達及格分數的單位")
    expect(page.get_by_role("heading", name="電話禮貌測試未達及格分數的單位")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{portal}/plans/106/commendations/new/")
    assert_accessible(page)
    page.locator("#id_unit").select_option(label="天母派出所")
    page.get_by_label("獎懲種類").select_option(label="申誡")
    page.get_by_label("核定日期").fill("106/06/10")
    page.get_by_label("獎懲事由").fill("電話禮貌測試未達標準")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("請選擇所依據的管制考核或電話禮貌測試，或填寫考核所見。")
    assert_accessible(page)
    page.get_by_label("依據之電話禮貌測試").select_option(index=1)
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("天母派出所 申誡一次")
    assert_accessible(page)
    page.goto(f"{portal}/plans/106/commendations/")
    assert_accessible(page)
    logout(page)

    login(page, portal, "tianmu")
    page.goto(f"{portal}/plans/106/commendations/")
    expect(page.locator("main")).to_contain_text("申誡一次")
    assert_accessible(page)
