"""A unit's month in Chromium: two rows filled and sent together with the keyboard alone; the page at 1366 and
375 px, axe-checked; last month's narrative copied forward."""

import pytest
from playwright.sync_api import expect

from measures.models import ProgressReport

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

MONTH = "/units/shilin-tianmu/months/106-05/"


def tab_to(page, target, limit=200) -> None:
    """Press Tab until `target` has the focus (the keyboard alone, as a user without a mouse moves)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_a_unit_head_sends_two_rows_with_the_keyboard(portal, chromium_page):
    page = chromium_page
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, portal, "tianmu")
    page.goto(f"{portal}{MONTH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("天母派出所 106年5月 進度填報")
    assert_accessible(page)
    cards = page.locator("fieldset.card")
    expect(cards).to_have_count(10)
    first, second = cards.nth(0), cards.nth(1)
    # Keyboard only, from the top of the page: Tab to the first row's progress, type, Tab on.
    tab_to(page, first.get_by_label("本月累計進度（%）"))
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("第一項：本月辦理兩場宣導")
    tab_to(page, second.get_by_label("本月累計進度（%）"), limit=20)  # past the first row's other controls
    page.keyboard.type("40")
    page.keyboard.press("Tab")
    page.keyboard.type("第二項：持續辦理")
    tab_to(page, page.get_by_role("button", name="送出全部"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{portal}{MONTH}")
    expect(page.get_by_role("status")).to_contain_text("已送出 2 筆填報")
    assert sorted(ProgressReport.objects.values_list("progress", "status")) == [(30, "submitted"), (40, "submitted")]
    expect(first).to_contain_text("已送出（30%）")
    assert_accessible(page)


def test_the_month_page_at_375_px_and_last_months_text_copied(portal, new_chromium_page):
    from datetime import date

    from django.contrib.auth import get_user_model

    from diagnosis.models import Unit
    from measures.models import Measure
    from measures.report_writes import report_save
    from measures.unit_months import month_rows

    tianmu = Unit.objects.get(code="shilin-tianmu")
    row = month_rows(Measure.objects.first().plan, tianmu, date(2017, 5, 1))[0]
    report_save(measure=Measure.objects.get(pk=row.measure.pk), unit=tianmu, period=date(2017, 4, 1),
                user=get_user_model().objects.get(username="tianmu"), narrative="四月：辦理宣導", progress=20,
                actuals={}, submit=True)
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "tianmu")
    page.goto(f"{portal}{MONTH}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    first = page.locator("fieldset.card").first
    first.get_by_role("button", name="沿用上月內容").click()
    expect(first.get_by_label("執行情形")).to_have_value("四月：辦理宣導")
    expect(first.get_by_label("執行情形")).to_be_focused()
    page.goto(f"{portal}/units/shilin-tianmu/reports/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("main")).to_contain_text("共 1 筆")
    assert_accessible(page)
