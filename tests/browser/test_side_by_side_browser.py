"""各機關進度比較 in Chromium at a desktop (1366 px) and a phone (375 px): the bureau sorts by a column with the
keyboard's form, goes to the next page (one organisation a page here) and asks for a recalculation. Each page checked
with axe; nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from assessments.figure_writes import plan_figures_refresh
from diagnosis.demo_accounts import BUREAU_ACCOUNTS, demo_accounts_create
from diagnosis.models import Plan
from tests.scoring_fixtures import precinct

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_the_bureau_compares_its_precincts(portal, new_chromium_page, width, monkeypatch):
    monkeypatch.setattr("assessments.side_by_side.PAGE_SIZE", 1)  # the live server runs in this process
    demo_accounts_create(BUREAU_ACCOUNTS)
    shilin = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    plan_figures_refresh(shilin)
    plan_figures_refresh(precinct("tcpd-datong", "大同分局", shilin))
    page = new_chromium_page(viewport={"width": width, "height": 800})

    def checked():
        assert_accessible(page)

    login(page, portal, "bureau")
    page.goto(f"{portal}/side-by-side/106/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("各機關進度比較")
    expect(page.locator("tbody")).to_contain_text("大同分局")
    expect(page.get_by_text("共 2 個機關，第 1／2 頁")).to_be_visible()
    checked()
    page.get_by_label("排序").select_option("-overdue")
    page.get_by_role("button", name="排序").click()
    expect(page).to_have_url(f"{portal}/side-by-side/106/?sort=-overdue")
    page.get_by_role("link", name="下一頁").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{portal}/side-by-side/106/?sort=-overdue&page=2")
    expect(page.get_by_role("navigation", name="分頁").get_by_role("link", name="2")).to_have_attribute(
        "aria-current", "page"
    )
    checked()
    page.get_by_role("button", name="重新計算").click()
    expect(page.get_by_role("status")).to_contain_text("已排定重新計算 2 個機關的數字")
    expect(page.locator("tbody")).to_contain_text("重新計算中")  # each row says so until its figures are in
    checked()
