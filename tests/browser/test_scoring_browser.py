"""評分回合 in Chromium: a reviewer scores a precinct's dimension by keyboard (a bad score refused beside the
field, a draft, then 送出 through its confirmation page); bureau staff read the round and the results at 375 px."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from diagnosis.models import Plan

from ..scoring_fixtures import scene
from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_scores_a_sheet_and_staff_read_the_results(portal, new_chromium_page):
    plan = Plan.objects.get(organization__code="tcpd-shilin", year=106)
    s = scene(plan, get_user_model().objects.get(username="secretariat"))
    page = new_chromium_page(viewport={"width": 1366, "height": 900})
    login(page, portal, "rev1", "x-unused-9")
    page.goto(f"{portal}/scoring/{s.round.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("106年度服務品質評分")
    assert_accessible(page)
    precinct = s.round.precincts.get(plan=plan)
    page.locator(f'a[href="/scoring/{s.round.pk}/precincts/{precinct.pk}/dimensions/1/"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("評分表：士林分局／基礎服務")
    assert_accessible(page)

    timely = page.locator("fieldset").filter(has=page.get_by_text("服務及時性（配分 25 分）"))
    timely.get_by_label("分數（0–25）").click()
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("處理時限掌握良好")
    page.get_by_role("button", name="暫存").click()
    expect(timely).to_contain_text("分數不可超過配分 25 分。")
    assert_accessible(page)

    timely.get_by_label("分數（0–25）").fill("20")
    page.get_by_role("button", name="暫存").click()
    expect(page.get_by_role("status")).to_contain_text("已暫存評分表")
    expect(timely.get_by_label("分數（0–25）")).to_have_value("20.0")
    scores = page.get_by_label("分數（0–", exact=False)
    for index in range(scores.count()):
        if not scores.nth(index).input_value():
            scores.nth(index).fill("15")
    page.get_by_role("button", name="送出").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("送出評分表")
    assert_accessible(page)
    page.get_by_role("button", name="確認送出").click()
    expect(page.get_by_role("status")).to_contain_text("已送出評分表")

    narrow = new_chromium_page(viewport={"width": 375, "height": 800})
    login(narrow, portal, "bureau-staff", "x-unused-9")
    narrow.goto(f"{portal}/scoring/{s.round.pk}/")
    expect(narrow.locator("main")).to_contain_text("1／2")
    assert_accessible(narrow)
    narrow.goto(f"{portal}/scoring/{s.round.pk}/results/")
    expect(narrow.locator("main")).to_contain_text("各分局成績與排名")
    assert_accessible(narrow)
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375


def test_staff_choose_a_reviewer_by_keyboard_from_the_filtered_list(portal, new_chromium_page):
    from assessments.models import ReviewerAssignment

    from ..scoring_fixtures import person

    plan = Plan.objects.get(organization__code="tcpd-shilin", year=106)
    s = scene(plan, get_user_model().objects.get(username="secretariat"), start=False)
    newcomer = person("rev-new")
    newcomer.first_name, newcomer.last_name = "新委員", ""
    newcomer.save()
    page = new_chromium_page(viewport={"width": 375, "height": 800})
    login(page, portal, "bureau-staff", "x-unused-9")
    page.goto(f"{portal}/scoring/{s.round.pk}/reviewers/")
    expect(page.get_by_role("radio", name="新委員（外聘評審委員，帳號 rev-new）")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("搜尋評審委員（姓名、單位或帳號）").focus()
    page.keyboard.type("新委員")
    expect(page.locator("[data-unit-filter-status]")).to_have_text("符合 1 位")
    expect(page.get_by_role("radio", name="rev1", exact=False)).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="新委員", exact=False)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("End")  # the last dimension of the <select>
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已指派評審委員")
    assert ReviewerAssignment.objects.filter(round=s.round, reviewer=newcomer, dimension=s.dimensions[-1]).exists()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
