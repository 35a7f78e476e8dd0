"""Forms that guide, in Chromium: the 管制考核 page's error summary at 375 px; the measure form's unit checkboxes filtered with the keyboard, focus points
narrowed to the chosen item, the save bar in reach, planned progress filled in one action; axe at 1366 and 375 px."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.review_writes import review_open
from diagnosis.models import Plan
from measures.models import Measure

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def active_service():
    return Measure.objects.get(plan__year=106, source=Measure.Source.FORM2, name="主動服務")


def test_units_are_chosen_by_keyboard_from_the_filtered_tree(portal, chromium_page):
    page = chromium_page
    measure = active_service()
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/measures/{measure.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("編修措施：主動服務")
    lead = page.get_by_role("group", name="主辦單位", exact=True)
    # The save bar is in the window without scrolling.
    save = page.get_by_role("button", name="儲存")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert_accessible(page)

    # Type into 搜尋單位, Tab to the one unit left, Space to tick it.
    lead.get_by_label("搜尋單位").focus()
    page.keyboard.type("天母")
    expect(lead.get_by_role("checkbox")).to_have_count(1)
    expect(lead.get_by_text("符合 1 個單位")).to_be_visible()
    page.keyboard.press("Tab")
    expect(lead.get_by_label("天母派出所")).to_be_focused()
    page.keyboard.press("Space")
    expect(lead.get_by_label("天母派出所")).to_be_checked()
    lead.get_by_label("搜尋單位").fill("")
    expect(lead.get_by_label("秘書室")).to_be_visible()

    # The focus points offered are the chosen item's only.
    item = page.get_by_label("評核項目")
    original = item.input_value()
    item.select_option(label="服務遞送／服務便捷")
    offered = page.locator("#id_focus_point option:not([disabled])")
    expect(offered.first).to_have_text("（不指定）")
    for text in offered.all_inner_texts()[1:]:
        assert text.startswith("服務便捷／"), text
    item.select_option(original)
    assert_accessible(page)

    save.click()
    expect(page.get_by_role("status").filter(has_text="已儲存措施。")).to_be_visible()
    assert "天母派出所" in {u.name for u in active_service().lead_units.all()}


def test_the_measure_form_and_planned_progress_at_375_px(portal, new_chromium_page):
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    measure = active_service()
    Measure.objects.filter(pk=measure.pk).update(deadline="2017-06-30")
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/measures/{measure.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    save = page.get_by_role("button", name="儲存")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 740
    assert_accessible(page)
    # At the end of the form the bar sits below the last field instead of over it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    listed = page.get_by_label("列管日期").bounding_box()
    assert listed["y"] + listed["height"] <= save.bounding_box()["y"]

    page.goto(f"{portal}/plans/106/measures/{measure.pk}/planned/")
    page.get_by_role("button", name="平均分配至完成期限").click()
    expect(page.get_by_label("106年1月")).to_have_value("17")
    expect(page.get_by_label("106年6月")).to_have_value("100")
    expect(page.get_by_label("106年7月")).to_have_value("")
    page.get_by_role("button", name="完成期限當月 100%").click()
    expect(page.get_by_label("106年1月")).to_have_value("")
    expect(page.get_by_label("106年6月")).to_have_value("100")
    page.get_by_label("106年3月").fill("40")
    page.get_by_label("106年9月").fill("100")
    page.get_by_role("button", name="儲存").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("有 1 個欄位需要修正，尚未儲存任何資料")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    page.get_by_label("106年9月").fill("")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("status").filter(has_text="已儲存預定進度。")).to_be_visible()
    assert list(active_service().planned_progress.values_list("percent", flat=True)) == [40, 100]


def test_the_review_page_with_errors_at_375_px(portal, new_chromium_page):
    staff = get_user_model().objects.get(username="secretariat")
    review = review_open(plan=Plan.objects.get(year=106), as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5),
                         title="106年5月份管制考核", user=staff)
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/reviews/{review.pk}/")
    close = page.get_by_role("button", name="儲存並結案")
    box = close.bounding_box()
    assert box["y"] + box["height"] <= 740  # the save bar is in reach on a 37-item page
    decisions = page.get_by_label("決議")
    for index in range(3):
        decisions.nth(index).select_option(label="繼續列管")
    close.click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("有 3 個欄位需要修正，尚未儲存任何資料")
    assert summary.bounding_box()["y"] < page.locator("form fieldset").first.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    review.refresh_from_db()
    assert review.is_open and not review.items.exclude(decision="").exists()
