"""書面資料送審 in Chromium at a desktop (1366 px) and a phone (375 px): 研考承辦 send the plan from its
confirmation page; the bureau opens it from its list, tries a return without a comment (the error beside the
field), then returns it with one through the confirmation. Each page checked with axe; nothing scrolls sideways."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import Submission
from diagnosis.demo_accounts import BUREAU_ACCOUNTS, demo_accounts_create
from diagnosis.models import Plan
from tests.test_submissions import make_build

from .conftest import assert_accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_a_submission_is_sent_and_returned_by_the_bureau(portal, new_chromium_page, width):
    demo_accounts_create(BUREAU_ACCOUNTS)
    plan = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    make_build(plan, get_user_model().objects.get(username="secretariat"))
    page = new_chromium_page(viewport={"width": width, "height": 800})

    def checked():
        assert_accessible(page)
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{page.url} scrolls sideways"

    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/submissions/")
    expect(page.locator("main")).to_contain_text("尚未送審")
    checked()
    page.get_by_role("link", name="送審…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("送審確認")
    checked()
    page.get_by_role("button", name="確認送審").click()
    expect(page.get_by_role("status")).to_contain_text("已完成第 1 次送審")
    checked()
    logout(page)

    login(page, portal, "bureau")
    page.goto(f"{portal}/submissions/106/")
    checked()
    page.get_by_role("link", name="第 1 次").click()
    page.get_by_role("link", name="審查（退回補正或核定）").click()
    page.get_by_label("退回補正").check()
    page.get_by_role("button", name="下一步：確認").click()
    expect(page.locator("#id_comment + .invalid-feedback, .invalid-feedback")).to_contain_text("退回補正須填寫審查意見")
    checked()
    page.get_by_label("審查意見").fill("請補充服務友善措施的照片。")
    page.get_by_role("button", name="下一步：確認").click()
    expect(page.get_by_role("alert")).to_contain_text("確定要將第 1 次送審退回補正嗎")
    checked()
    assert Submission.objects.get().is_pending
    page.get_by_role("button", name="確認退回補正").click()
    expect(page.get_by_role("status")).to_contain_text("已退回補正第 1 次送審")
    checked()
    assert Submission.objects.get().state == Submission.State.RETURNED
