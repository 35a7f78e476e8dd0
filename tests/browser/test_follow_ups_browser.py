"""列管追蹤 in Chromium at a desktop (1366 px) and a phone (375 px): a unit head finds an open follow-up on the
unit page and answers it with the keyboard alone (a blank answer first: the error beside the field); each page
checked with axe, and nothing scrolls sideways on the phone."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import FollowUpAnswer, ReviewItem
from assessments.review_writes import review_close, review_open
from diagnosis.models import Plan, Unit

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def _kept_for_tianmu() -> ReviewItem:
    plan = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    staff = get_user_model().objects.get(username="secretariat")
    review = review_open(plan=plan, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="106年5月份管制考核", user=staff)
    review.items.update(decision=ReviewItem.Decision.RELEASE, follow_up_unit=Unit.objects.get(code="shilin-secretariat"))
    item = review.items.get(measure__name="服務及時性")
    ReviewItem.objects.filter(pk=item.pk).update(
        decision=ReviewItem.Decision.KEEP, follow_up_unit=Unit.objects.get(code="shilin-tianmu"), follow_up_due=date(2017, 6, 30)
    )
    review_close(review=review, user=staff)
    return item


@pytest.mark.parametrize("width", [1366, 375])
def test_a_unit_head_answers_a_follow_up_with_the_keyboard(portal, new_chromium_page, width):
    item = _kept_for_tianmu()
    page = new_chromium_page(viewport={"width": width, "height": 800})
    login(page, portal, "tianmu")
    page.goto(f"{portal}/units/shilin-tianmu/")
    section = page.locator("section", has=page.get_by_role("heading", name="列管追蹤（1）"))
    expect(section).to_contain_text("追蹤期限 106/06/30")
    expect(section).to_contain_text("（已逾期）")
    assert_accessible(page)

    def tab_to(predicate_js: str, limit: int = 300) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => Boolean({predicate_js}))(document.activeElement)"):
                return
        raise AssertionError(f"Tab never reached {predicate_js} on {page.url}")

    def no_sideways_scrolling():
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{page.url} scrolls sideways"

    no_sideways_scrolling()
    tab_to("el.tagName === 'A' && el.textContent.includes('填報辦理情形')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("列管追蹤辦理情形")
    expect(page.locator("main")).to_contain_text("服務及時性")
    assert_accessible(page)
    no_sideways_scrolling()

    # A blank answer: the error beside the field, nothing written.
    tab_to("el.tagName === 'BUTTON' && el.textContent.includes('送出辦理情形')")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("請填寫辦理情形。")
    assert_accessible(page)
    assert not FollowUpAnswer.objects.exists()

    tab_to("el.id === 'id_text'")
    page.keyboard.type("已加強臨櫃服務時效，每週檢討。")
    tab_to("el.tagName === 'BUTTON' && el.textContent.includes('送出辦理情形')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{portal}/units/shilin-tianmu/")
    expect(page.get_by_role("status")).to_contain_text("已送出「服務及時性」的辦理情形。")
    expect(section).to_contain_text("檢視或修改辦理情形")
    assert_accessible(page)
    no_sideways_scrolling()
    assert FollowUpAnswer.objects.get(item=item).text == "已加強臨櫃服務時效，每週檢討。"

    # The review shows the head their own item only, with the answer.
    page.goto(f"{portal}/plans/106/reviews/{item.review_id}/")
    expect(page.locator("main")).to_contain_text("已加強臨櫃服務時效")
    assert_accessible(page)
    no_sideways_scrolling()
