"""各機關進度比較 in Chromium at a desktop (1366 px) and a phone (375 px): the bureau sorts by a column with the
keyboard's form and asks for a recalculation. Each page checked with axe; nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from assessments.figure_writes import plan_figures_refresh
from diagnosis.demo_accounts import BUREAU_ACCOUNTS, demo_accounts_create
from diagnosis.models import Plan
from tests.scoring_fixtures import precinct

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_the_bureau_compares_its_precincts(portal, new_chromium_page, width):
    demo_accounts_create(BUREAU_ACCOUNTS)
    shilin = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    plan_figures_refresh(shilin)
    plan_figures_refresh(precinct("tcpd-datong", "大同分局", shilin))
    page = new_chromium_page(viewport={"width": width, "height": 800})

    def checked():
        assert_accessible(page)
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{page.url} scrolls sideways"

    login(page, portal, "bureau")
    page.goto(f"{portal}/side-by-side/106/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("各機關進度比較")
    expect(page.locator("tbody")).to_contain_text("大同分局")
    checked()
    page.get_by_label("排序").select_option("-overdue")
    page.get_by_role("button", name="排序").click()
    expect(page).to_have_url(f"{portal}/side-by-side/106/?sort=-overdue")
    page.get_by_role("button", name="重新計算").click()
    expect(page.get_by_role("status")).to_contain_text("已排定重新計算 2 個機關的數字")
    expect(page.locator("tbody")).to_contain_text("重新計算中")  # each row says so until its figures are in
    checked()
