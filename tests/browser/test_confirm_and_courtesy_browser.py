"""Issue 24's last parts in Chromium (axe on each page, 375 px without sideways scrolling): a unit head lists
the reviews concerning their unit, answers a kept 電話禮貌測試 with a file, removes the file after confirming,
and deletes a report draft after confirming."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import ControlReview, CourtesyTest, FollowUpEvidence
from diagnosis.models import Plan, Unit
from measures.models import Measure, ProgressReport
from measures.report_writes import report_save
from tests.conftest import PDF_BYTES

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_head_answers_a_courtesy_follow_up_and_confirms_removals(portal, new_chromium_page, tmp_path):
    plan = Plan.objects.get(year=106, organization__code="tcpd-shilin")
    staff = get_user_model().objects.get(username="secretariat")
    tianmu = Unit.objects.get(code="shilin-tianmu")
    review = ControlReview.objects.create(
        plan=plan,
        title="106年4月份管制考核",
        as_of=date(2017, 4, 30),
        meeting_date=date(2017, 5, 2),
        state="closed",
        created_by=staff,
    )
    test = CourtesyTest.objects.create(
        plan=plan, unit=tianmu, tested_on=date(2017, 4, 10), score=60, tester="t", recorded_by=staff
    )
    review.courtesy_items.create(
        unit=tianmu,
        courtesy_test=test,
        origin="proposed",
        pass_score=80,
        decision="keep",
        follow_up_due=date(2099, 6, 30),
    )
    measure = plan.measures.get(source=Measure.Source.FORM2, name="主動服務")
    draft = report_save(
        measure=measure,
        unit=tianmu,
        period=date(2017, 5, 1),
        user=get_user_model().objects.get(username="tianmu"),
        narrative="草稿內容",
        progress=10,
        actuals={},
        submit=False,
    )
    evidence = tmp_path / "訓練簽到.pdf"
    evidence.write_bytes(PDF_BYTES)

    page = new_chromium_page(viewport={"width": 375, "height": 800})
    login(page, portal, "tianmu")

    def checked():
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{page.url} scrolls sideways"

    page.goto(f"{portal}/plans/106/reviews/")
    expect(page.locator("main")).to_contain_text("106年4月份管制考核")
    checked()
    page.get_by_role("link", name="106年4月份管制考核").click()
    expect(page.locator("main")).to_contain_text("電話禮貌測試")
    checked()
    page.get_by_role("link", name="填報辦理情形").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("列管追蹤辦理情形")
    checked()
    page.get_by_label("辦理情形").fill("已辦理電話禮貌訓練")
    page.get_by_label("佐證資料").set_input_files(str(evidence))
    page.get_by_role("button", name="送出辦理情形").click()
    expect(page.get_by_role("status")).to_contain_text("的辦理情形")
    page.goto(f"{portal}/plans/106/reviews/{review.pk}/courtesy/{review.courtesy_items.get().pk}/answer/")
    page.get_by_role("link", name=re.compile("移除.*訓練簽到")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("移除辦理情形的檔案")
    checked()
    page.get_by_role("button", name="確定移除檔案").click()
    expect(page.get_by_role("status")).to_contain_text("已移除檔案「訓練簽到.pdf」。")
    assert not FollowUpEvidence.objects.exists()

    page.goto(f"{portal}/reports/{draft.pk}/")
    page.get_by_role("link", name="刪除草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("刪除草稿")
    checked()
    page.get_by_role("button", name="確定刪除草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已刪除草稿。")
    assert not ProgressReport.objects.exists()
