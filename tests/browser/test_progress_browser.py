"""Progress in Chromium: the plan and unit dashboards as of a date, and a 管制考核 from opening to closing."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import ControlReview

from .conftest import assert_accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_plan_dashboard_as_of_the_bureaus_written_review(portal, chromium_page):
    page = chromium_page
    login(page, portal, "viewer")
    expect(page).to_have_url(f"{portal}/")
    page.get_by_label("檢視基準日（民國）").fill("106/05/31")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("進度總覽")
    expect(page.locator("main")).to_contain_text("以 106年5月31日 為基準，列管措施 37 項")
    expect(page.get_by_role("img", name=re.compile("^全計畫：待填報 37 項$"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("檢視基準日（民國）").fill("106/02/30")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("alert")).to_contain_text("106/02/30 不是有效的日期")
    assert_accessible(page)
    page.get_by_role("link", name="天母派出所").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("臺北市政府警察局士林分局天母派出所")
    assert_accessible(page)


def test_a_unit_head_sees_their_dashboard(portal, new_chromium_page):
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "tianmu")
    expect(page).to_have_url(f"{portal}/units/shilin-tianmu/")
    expect(page.locator("main")).to_contain_text("本單位負責 10 項措施")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_a_review_is_opened_filled_and_closed(portal, chromium_page):
    page = chromium_page
    login(page, portal, "secretariat")
    page.get_by_role("link", name="管制考核").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("定期管制考核")
    assert_accessible(page)
    page.get_by_label("會議名稱").fill("106年5月份管制考核")
    page.get_by_label("檢視基準日").fill("106/05/31")
    page.get_by_label("會議日期").fill("106/06/05")
    page.get_by_role("button", name="開啟並提列措施").click()
    expect(page.get_by_role("status")).to_contain_text("提列 37 項措施")
    assert_accessible(page)

    decisions = page.get_by_label("決議")
    expect(decisions).to_have_count(37)
    for index in range(37):
        decisions.nth(index).select_option(label="解除列管")
    first = page.locator("fieldset").first
    first.get_by_label("檢討情形").fill("各單位均已按月填報")
    first.get_by_label("改善措施").fill("=於勤教時提醒")
    first.get_by_label("決議").select_option(label="繼續列管")
    # Without its 追蹤期限 nothing is saved: the summary at the top has the focus and leads to the field.
    page.get_by_role("button", name="儲存", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("有 1 個欄位需要修正，尚未儲存任何資料")
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < page.locator("form fieldset").first.bounding_box()["y"]
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("^第 1 筆：追蹤期限")).click()
    first = page.locator("fieldset").first
    expect(first.get_by_label("追蹤期限")).to_be_focused()
    page.keyboard.type("106/06/30")
    # 儲存並結案 saves, then asks to confirm what closing does.
    page.get_by_role("button", name="儲存並結案").click()
    expect(page.get_by_role("status")).to_contain_text("已儲存管制項目。")
    expect(page.locator("main")).to_contain_text("繼續列管 1 項")
    assert_accessible(page)
    page.get_by_role("button", name="確認結案").click()
    expect(page.get_by_role("status")).to_contain_text("已結案")
    expect(page.locator("main")).to_contain_text("=於勤教時提醒")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下載管制表（xlsx）").click()
    download = download_info.value
    assert download.suggested_filename.endswith("管制表.xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert sheet["H3"].value == "改善措施"  # the title, the meeting with its dates, the column headers
    assert sheet["H4"].value == "=於勤教時提醒" and sheet["H4"].data_type == "s"
    review = ControlReview.objects.get()
    assert review.state == "closed" and review.items.filter(decision="keep").count() == 1
    logout(page)
