"""計畫設定 in Chromium at a desktop (1366 px) and a phone (375 px): found from the plan, errors beside their
fields, saved; each page checked with axe, and nothing scrolls sideways on the phone."""

import pytest
from playwright.sync_api import expect

from diagnosis.models import Plan

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_staff_set_the_closing_date_and_the_due_day(portal, new_chromium_page, width):
    page = new_chromium_page(viewport={"width": width, "height": 800})
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/")
    page.get_by_role("link", name="計畫設定").last.click()  # the plan's staff actions (the navigation has one too)
    expect(page.get_by_role("heading", level=1)).to_contain_text("計畫設定")
    expect(page.locator("main")).to_contain_text("空白為計畫迄日後一個月（107/01/31）")
    assert_accessible(page)

    page.get_by_label("結算日").fill("106/12/30")
    page.get_by_label("每月填報期限（次月幾日，1–28）").fill("29")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("結算日不可早於計畫執行期程迄日（106/12/31）。")
    expect(page.locator("main")).to_contain_text("每月填報期限須為次月 1 至 28 日。")
    assert_accessible(page)

    page.get_by_label("結算日").fill("107/02/28")
    page.get_by_label("每月填報期限（次月幾日，1–28）").fill("10")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("status")).to_contain_text("已儲存計畫設定。")
    expect(page.locator("main")).to_contain_text("結算日：未設（107/01/31） → 107/02/28")
    assert_accessible(page)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    plan = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    assert (plan.closing_date.isoformat(), plan.report_due_day) == ("2018-02-28", 10)
