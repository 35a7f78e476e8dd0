"""服務評價 in Chromium: the satisfaction trend of three surveys, and staff entering a survey's results."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three_surveys(portal):
    from django.contrib.auth import get_user_model

    from assessments.survey_writes import ResultFigures, survey_results_set, survey_save
    from diagnosis.models import Plan

    plan = Plan.objects.get(organization__code="tcpd-shilin", year=106)
    staff = get_user_model().objects.get(username="secretariat")
    surveys = []
    for title, start, end, results in [
        ("106年第3季臨櫃服務滿意度調查", date(2017, 7, 1), date(2017, 9, 30), {"environment": (300, 270), "courtesy": (300, 285)}),
        ("106年第1季臨櫃服務滿意度調查", date(2017, 1, 1), date(2017, 3, 31), {"environment": (400, 320), "courtesy": (400, 340)}),
        ("106年內部同仁滿意度調查", date(2017, 4, 1), date(2017, 6, 30), {"internal": (120, 96)}),
    ]:
        survey = survey_save(
            plan=plan, user=staff, title=title, period_start=start, period_end=end, sampling_method="systematic",
            population=2000, sample_size=400,
        )
        survey_results_set(survey=survey, user=staff, results={c: ResultFigures(*f) for c, f in results.items()})
        surveys.append(survey)
    return surveys


def test_the_trend_page_shows_each_categorys_rates_in_chart_and_table(portal, three_surveys, new_chromium_page):
    page = new_chromium_page()
    login(page, portal, "viewer")
    page.goto(f"{portal}/plans/106/surveys/")
    expect(page.get_by_role("heading", level=1)).to_have_text("滿意度調查")
    assert_accessible(page)
    page.get_by_role("link", name="滿意度趨勢").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("滿意度趨勢")
    chart = page.get_by_role("img", name=re.compile("^各類別滿意度趨勢。"))
    expect(chart).to_be_visible()
    label = chart.get_attribute("aria-label")
    assert "洽公環境：106年1月–3月 80.0%、106年4月–6月 —、106年7月–9月 90.0%" in label
    assert "服務禮儀：106年1月–3月 85.0%、106年4月–6月 —、106年7月–9月 95.0%" in label
    assert "內部同仁滿意度：106年1月–3月 —、106年4月–6月 80.0%、106年7月–9月 —" in label
    table = page.get_by_role("table", name="各次調查各類別的滿意度（趨勢圖的數據）")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("106年1月–3月")
    expect(rows.nth(0)).to_contain_text("80.0%")
    expect(rows.nth(0)).to_contain_text("82.5%")  # 整體: 洽公環境 and 服務禮儀 pooled, 660 of 800
    expect(rows.nth(2)).to_contain_text("95.0%")
    assert_accessible(page)


def test_the_trend_page_fits_a_phone(portal, three_surveys, new_chromium_page):
    page = new_chromium_page(viewport={"width": 375, "height": 740})
    login(page, portal, "tianmu")
    page.goto(f"{portal}/plans/106/surveys/trend/")
    expect(page.get_by_role("img", name=re.compile("^各類別滿意度趨勢。"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_staff_enter_a_surveys_results(portal, three_surveys, chromium_page):
    page = chromium_page
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/surveys/")
    page.get_by_role("link", name="106年內部同仁滿意度調查").click()
    page.get_by_role("link", name="登錄調查結果").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("登錄調查結果")
    assert_accessible(page)
    expect(page.get_by_label("內部同仁滿意度受訪人數")).to_have_value("120")
    page.get_by_label("洽公環境受訪人數").fill("50")
    page.get_by_label("洽公環境滿意人數").fill("51")
    page.get_by_role("button", name="儲存調查結果").click()
    expect(page.get_by_role("alert")).to_contain_text("尚未儲存任何資料")
    expect(page.locator("main")).to_contain_text("滿意人數（51）不可多於受訪人數（50）。")
    assert_accessible(page)
    page.get_by_label("洽公環境滿意人數").fill("45")
    page.get_by_role("button", name="儲存調查結果").click()
    expect(page.get_by_role("status")).to_contain_text("已儲存調查結果。")
    results = page.get_by_role("table", name=re.compile("各類別滿意度"))
    expect(results).to_contain_text("90.0%")
    expect(results).to_contain_text("80.0%")
    assert_accessible(page)


def test_staff_create_a_survey_and_enter_a_month_of_petitions(portal, chromium_page):
    page = chromium_page
    login(page, portal, "secretariat")
    page.goto(f"{portal}/plans/106/surveys/")
    page.get_by_role("link", name="新增調查").click()
    assert_accessible(page)
    page.get_by_label("調查名稱").fill("106年第2季臨櫃服務滿意度調查")
    page.get_by_label("調查期間起日").fill("106/04/01")
    page.get_by_label("調查期間迄日").fill("106/06/30")
    page.get_by_label("抽樣方法").select_option(label="簡單隨機抽樣")
    page.get_by_label("母體數").fill("300")
    page.get_by_label("預定樣本數").fill("400")
    page.get_by_role("button", name="儲存").click()
    expect(page.locator("main")).to_contain_text("預定樣本數（400）不可大於母體數（300）。")
    assert_accessible(page)
    page.get_by_label("預定樣本數").fill("169")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("status")).to_contain_text("請登錄各類別的調查結果")

    page.goto(f"{portal}/plans/106/petitions/entry/?month=106/05")
    expect(page.get_by_role("heading", level=1)).to_have_text("登錄陳情案件資料：106年5月")
    assert_accessible(page)
    page.get_by_label("天母派出所結案件數").fill("10")
    page.get_by_label("天母派出所滿意件數").fill("5")
    page.get_by_label("天母派出所不滿意件數").fill("4")
    page.get_by_label("文林派出所結案件數").fill("20")
    page.get_by_label("文林派出所滿意件數").fill("19")
    page.get_by_label("文林派出所不滿意件數").fill("1")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_role("status")).to_contain_text("已儲存 106/05 的陳情案件資料（2 個單位）")
    expect(page.get_by_role("heading", level=2).first).to_have_text("106年5月各單位不滿意比例")
    flagged = page.locator("tbody tr", has_text="天母派出所").first
    expect(flagged).to_contain_text("44.4%")
    expect(flagged).to_contain_text("高於全分局")
    assert_accessible(page)
