"""服務評價 pages: surveys with their design, sampling and results, the trend, and the 陳情案件 analysis."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import PetitionTally, SatisfactionSurvey, SurveyResult
from assessments.survey_writes import (
    PetitionFigures,
    ResultFigures,
    SurveyError,
    petition_month_set,
    survey_results_set,
    survey_save,
)
from diagnosis.models import Unit

from .conftest import count_queries, unit, url

pytestmark = pytest.mark.django_db
C = SurveyResult.Category
LIST = "/plans/106/surveys/"
TREND = "/plans/106/surveys/trend/"
PETITIONS = "/plans/106/petitions/"
ENTRY = "/plans/106/petitions/entry/"


def make_survey(plan, user, title="106年第1季臨櫃洽公服務滿意度調查", start=date(2017, 1, 1), end=date(2017, 3, 31), results=None, **values):
    values = {"sampling_method": SatisfactionSurvey.Sampling.SYSTEMATIC, "population": 2000, "sample_size": 400, **values}
    survey = survey_save(plan=plan, user=user, title=title, period_start=start, period_end=end, **values)
    if results:
        survey_results_set(survey=survey, user=user, results={c: ResultFigures(*f) for c, f in results.items()})
    return survey


SURVEY_DATA = {
    "title": "106年第1季臨櫃洽公服務滿意度調查",
    "period_start": "106/01/01",
    "period_end": "106年3月31日",
    "design": "外事服務中心申辦「警察刑事紀錄證明」民眾，現場填寫問卷，五點量表。",
    "sampling_method": "systematic",
    "population": "2000",
    "sample_size": "400",
    "notes": "",
}


def results_data(**figures):
    data = {}
    for category in C.values:
        respondents, satisfied = figures.get(category, ("", ""))
        data[f"{category}_respondents"], data[f"{category}_satisfied"] = respondents, satisfied
    return data


def test_staff_record_a_survey_and_its_results_through_the_pages(client, user):
    client.force_login(user("secretariat"))
    assert "調查設計" in client.get(url("survey_new")).content.decode()
    response = client.post(url("survey_new"), SURVEY_DATA)
    survey = SatisfactionSurvey.objects.get()
    assert response["Location"] == url("survey_results", survey)
    assert (survey.period_start, survey.period_end, survey.population, survey.recorded_by.username) == (
        date(2017, 1, 1), date(2017, 3, 31), 2000, "secretariat",
    )
    page = client.get(url("survey_results", survey)).content.decode()
    assert page.count('type="number"') == 10 and "內部同仁滿意度受訪人數" in page
    data = results_data(environment=(400, 352), courtesy=(400, 400), expertise=(400, 0), measures=(0, 0))
    assert client.post(url("survey_results", survey), data)["Location"] == url("survey", survey)
    stored = {r.category: (r.respondents, r.satisfied) for r in survey.results.all()}
    assert stored == {"environment": (400, 352), "courtesy": (400, 400), "expertise": (400, 0), "measures": (0, 0)}
    detail = client.get(url("survey", survey)).content.decode()
    for shown in ["88.0%", "100.0%", "0.0%", "系統抽樣", "±4.4%", "本次未調查", "106年1月1日至106年3月31日"]:
        assert shown in detail, shown
    # the 服務措施 row has respondents 0: its rate is —, not 0%
    assert detail.count("—") >= 2
    # a category left blank loses its result; the others are kept as entered
    data = results_data(environment=(400, 360), courtesy=(400, 400), expertise=(400, 0))
    client.post(url("survey_results", survey), data)
    assert {r.category: r.satisfied for r in survey.results.all()} == {"environment": 360, "courtesy": 400, "expertise": 0}


def test_staff_edit_and_delete_a_survey(client, user, plan_106):
    survey = make_survey(plan_106, user("secretariat"), results={C.COURTESY: (10, 9)})
    client.force_login(user("secretariat"))
    assert "106/01/01" in client.get(url("survey_edit", survey)).content.decode()
    response = client.post(url("survey_edit", survey), {**SURVEY_DATA, "title": "<b>第1季</b>", "population": ""})
    assert response["Location"] == url("survey", survey)
    survey.refresh_from_db()
    assert (survey.title, survey.population) == ("<b>第1季</b>", None)
    page = client.get(LIST).content.decode()
    assert "&lt;b&gt;第1季&lt;/b&gt;" in page and "<b>第1季</b>" not in page
    # Deleting asks first (no JS dialog under the CSP): the detail page links to a confirmation page.
    assert f'href="{url("survey_delete", survey)}"' in client.get(url("survey", survey)).content.decode()
    confirm = client.get(url("survey_delete", survey)).content.decode()
    assert "刪除滿意度調查「&lt;b&gt;第1季&lt;/b&gt;」" in confirm and "1 個類別（一併刪除）" in confirm and "確定刪除調查" in confirm
    assert SatisfactionSurvey.objects.filter(pk=survey.pk).exists()
    assert client.post(url("survey_delete", survey))["Location"] == LIST
    assert not SatisfactionSurvey.objects.exists() and not SurveyResult.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "這個欄位是必須的。"),
        ({"period_end": "105/12/31"}, "調查期間迄日不可早於起日。"),
        ({"period_start": "106/02/30"}, "106/02/30 不是有效的日期"),
        ({"sample_size": "2001"}, "預定樣本數（2001）不可大於母體數（2000）。"),
        ({"population": "0"}, "母體數須為 1 以上；未知時請留空。"),
        ({"population": "-5"}, "請填 0 以上的整數。"),
        ({"sample_size": "abc"}, "請填整數。"),
        ({"sampling_method": ""}, "這個欄位是必須的。"),
        ({"sampling_method": "lottery"}, "lottery"),
    ],
)
def test_a_survey_with_bad_input_writes_nothing(client, user, changes, message):
    client.force_login(user("secretariat"))
    response = client.post(url("survey_new"), {**SURVEY_DATA, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SatisfactionSurvey.objects.exists()


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"environment": (100, 101)}, "滿意人數（101）不可多於受訪人數（100）。"),
        ({"environment": (-1, 0)}, "請填 0 以上的整數。"),
        ({"environment": ("十", 0)}, "請填整數。"),
        ({"environment": (100, "")}, "已填洽公環境受訪人數，請一併填滿意人數（可為 0）。"),
        ({"internal": ("", 3)}, "已填內部同仁滿意度滿意人數，請一併填受訪人數。"),
    ],
)
def test_results_with_bad_input_write_nothing(client, user, plan_106, figures, message):
    survey = make_survey(plan_106, user("secretariat"), results={C.COURTESY: (50, 40)})
    client.force_login(user("secretariat"))
    data = results_data(courtesy=(60, 55), expertise=(10, 10), **figures)
    response = client.post(url("survey_results", survey), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "尚未儲存任何資料" in html
    assert {r.category: (r.respondents, r.satisfied) for r in survey.results.all()} == {"courtesy": (50, 40)}


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ({"courtesy": ResultFigures(5, 6)}, "服務禮儀的滿意人數（6）不可多於受訪人數（5）。"),
        ({"courtesy": ResultFigures(-1, 0)}, "服務禮儀的受訪人數須為 0 以上的整數。"),
        ({"speed": ResultFigures(1, 1)}, "沒有「speed」這個調查類別"),
    ],
)
def test_the_service_refuses_bad_results_and_writes_nothing(plan_106, user, results, message):
    survey = make_survey(plan_106, user("secretariat"))
    with pytest.raises(SurveyError, match=message):
        survey_results_set(survey=survey, user=user("secretariat"), results={"environment": ResultFigures(9, 9), **results})
    assert not survey.results.exists()


def test_the_trend_page_draws_each_category_across_the_periods(client, user, plan_106):
    staff = user("secretariat")
    make_survey(plan_106, staff, "第3季", date(2017, 7, 1), date(2017, 9, 30), {C.ENVIRONMENT: (300, 270), C.COURTESY: (300, 285)})
    make_survey(plan_106, staff, "第1季", date(2017, 1, 1), date(2017, 3, 31), {C.ENVIRONMENT: (400, 320), C.COURTESY: (400, 340)})
    make_survey(plan_106, staff, "第2季", date(2017, 4, 1), date(2017, 6, 30), {C.ENVIRONMENT: (0, 0), C.INTERNAL: (120, 96)})
    client.force_login(user("viewer"))
    html = client.get(TREND).content.decode()
    assert 'role="img" aria-label="各類別滿意度趨勢。洽公環境：106年1月–3月 80.0%、106年4月–6月 —、106年7月–9月 90.0%；' in html
    assert "服務禮儀：106年1月–3月 85.0%、106年4月–6月 —、106年7月–9月 95.0%；內部同仁滿意度：106年1月–3月 —、106年4月–6月 80.0%、106年7月–9月 —。" in html
    assert html.count("<polyline") == 2  # 洽公環境 and 服務禮儀 join across their gap; 內部同仁 has one point
    assert html.count("</title></path>") == 5  # a marker per rate, each with its figure
    assert html.index("106年1月–3月</a>") < html.index("106年4月–6月</a>") < html.index("106年7月–9月</a>")
    assert "<caption" in html and 'data-label="服務專業性">—</td>' in html


def test_the_trend_page_without_surveys_says_so(client, user):
    client.force_login(user("tianmu"))
    assert "尚未登錄滿意度調查。" in client.get(TREND).content.decode()


def entry_data(month="106/05", **per_unit):
    data = {"month": month}
    for code, (closed, satisfied, dissatisfied) in per_unit.items():
        pk = Unit.objects.get(code=code.replace("_", "-")).pk
        data[f"u{pk}_closed"], data[f"u{pk}_satisfied"], data[f"u{pk}_dissatisfied"] = closed, satisfied, dissatisfied
    return data


def test_staff_enter_a_month_of_petitions_and_read_the_analysis(client, user):
    client.force_login(user("secretariat"))
    page = client.get(ENTRY + "?month=106年4月").content.decode()
    assert "106年4月" in page and page.count('type="number"') == 15 * 3 and "溪山派出所不滿意件數" in page
    april = entry_data("106/04", shilin_tianmu=(10, 8, 1), shilin_wenlin=(20, 18, 2))
    assert client.post(ENTRY, april)["Location"] == PETITIONS + "?month=106/04"
    may = entry_data("106.5", shilin_tianmu=(12, 5, 5), shilin_wenlin=(20, 19, 1), shilin_investigation=(3, 0, 0))
    assert client.post(ENTRY, may).status_code == 302
    assert PetitionTally.objects.filter(month=date(2017, 5, 1)).count() == 3
    html = client.get(PETITIONS).content.decode()  # the latest month by default
    assert "106年5月各單位不滿意比例" in html
    assert "結案 35 件，滿意 24 件，不滿意 6 件，不滿意比例 <strong>20.0%</strong>（較上月 +9.7 個百分點）" in html
    assert "50.0%" in html and "+38.9 個百分點" in html  # 天母: 1/9 → 5/10
    assert html.count("高於全分局</span>") == 1
    april_page = client.get(PETITIONS + "?month=106/04").content.decode()
    assert "106年4月各單位不滿意比例" in april_page and "11.1%" in april_page
    # entering the month again replaces it; a unit left blank loses its figures
    client.post(ENTRY, entry_data("106/05", shilin_tianmu=(12, 10, 0)))
    assert list(PetitionTally.objects.filter(month=date(2017, 5, 1)).values_list("unit__code", "dissatisfied")) == [("shilin-tianmu", 0)]


@pytest.mark.parametrize(
    ("month", "figures", "message"),
    [
        ("106/05", (5, 4, 2), "滿意與不滿意件數合計（6）不可多於結案件數（5）。"),
        ("106/05", (5, -1, 2), "請填 0 以上的整數。"),
        ("106/05", (5, "", 2), "天母派出所的三個件數請一併填寫（沒有時填 0），或全部留空。"),
        ("107/01", (5, 4, 1), "月份應在計畫執行期程內（106/01至106/12）。"),
        ("106/13", (5, 4, 1), "106/13 不是有效的月份。"),
        ("五月", (5, 4, 1), "月份格式無法辨識"),
    ],
)
def test_petitions_with_bad_input_write_nothing(client, user, plan_106, month, figures, message):
    petition_month_set(plan=plan_106, month=date(2017, 5, 1), user=user("secretariat"), counts={unit("shilin-tianmu"): PetitionFigures(1, 1, 0)})
    client.force_login(user("secretariat"))
    response = client.post(ENTRY, entry_data(month, shilin_wenlin=(3, 3, 0), shilin_tianmu=figures))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "尚未儲存任何資料" in html
    assert list(PetitionTally.objects.values_list("unit__code", "closed")) == [("shilin-tianmu", 1)]


def test_the_petition_service_refuses_a_unit_of_another_precinct_and_months_outside_the_plan(plan_106, user, outsider):
    station = Unit.objects.get(code="beitou-xinbeitou")
    with pytest.raises(SurveyError, match="新北投派出所不是士林分局所屬的單位。"):
        petition_month_set(plan=plan_106, month=date(2017, 5, 1), user=user("secretariat"), counts={station: PetitionFigures(1, 1, 0)})
    with pytest.raises(SurveyError, match="月份應在計畫執行期程內。"):
        petition_month_set(plan=plan_106, month=date(2018, 1, 1), user=user("secretariat"), counts={unit("shilin-tianmu"): PetitionFigures(1, 1, 0)})
    assert not PetitionTally.objects.exists()


@pytest.mark.parametrize(("query", "status", "message"), [
    ("?month=106/13", 400, "106/13 不是有效的月份。"),
    ("?month=106/08", 404, "106/08 尚無陳情案件資料。"),
    ("?month=108/01", 400, "月份應在計畫執行期程內"),
])
def test_the_analysis_of_a_month_without_figures_says_so(client, user, plan_106, query, status, message):
    petition_month_set(plan=plan_106, month=date(2017, 5, 1), user=user("secretariat"), counts={unit("shilin-tianmu"): PetitionFigures(1, 1, 0)})
    client.force_login(user("viewer"))
    response = client.get(PETITIONS + query)
    assert response.status_code == status and message in response.content.decode()


def test_a_head_reads_the_analysis_with_their_unit_marked_and_changes_nothing(client, user, plan_106):
    wenlin = Unit.objects.get(code="shilin-wenlin")
    petition_month_set(
        plan=plan_106, month=date(2017, 5, 1), user=user("secretariat"),
        counts={unit("shilin-tianmu"): PetitionFigures(4, 2, 2), wenlin: PetitionFigures(10, 9, 1)},
    )
    client.force_login(user("tianmu"))
    html = client.get(PETITIONS).content.decode()
    assert "<strong>天母派出所</strong>" in html and "本單位</span>" in html and "天母派出所（本單位）" in html
    assert "登錄陳情案件資料" not in html
    assert client.get(ENTRY).status_code == 403
    assert client.post(ENTRY, entry_data(shilin_tianmu=(4, 4, 0))).status_code == 403
    assert PetitionTally.objects.get(unit=unit("shilin-tianmu")).dissatisfied == 2
    client.force_login(user("investigation"))
    assert "本單位</span>" not in client.get(PETITIONS).content.decode()


@pytest.mark.parametrize("username", ["viewer", "tianmu"])
def test_readers_read_surveys_and_are_refused_every_change(client, user, plan_106, username):
    survey = make_survey(plan_106, user("secretariat"), results={C.COURTESY: (50, 40)})
    client.force_login(user(username))
    for page in [LIST, TREND, url("survey", survey), PETITIONS]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "新增調查" not in response.content.decode() and "登錄調查結果" not in response.content.decode()
    for name in ["survey_new", "survey_import_template"]:
        assert client.get(url(name)).status_code == 403, name
    for name in ["survey_edit", "survey_results", "survey_import"]:
        assert client.get(url(name, survey)).status_code == 403, name
    assert client.post(url("survey_new"), SURVEY_DATA).status_code == 403
    assert client.post(url("survey_edit", survey), {**SURVEY_DATA, "title": "改"}).status_code == 403
    assert client.post(url("survey_results", survey), results_data(courtesy=(1, 1))).status_code == 403
    assert client.post(url("survey_delete", survey)).status_code == 403
    assert client.post(ENTRY, entry_data(shilin_tianmu=(1, 1, 0))).status_code == 403
    survey.refresh_from_db()
    assert survey.title == "106年第1季臨櫃洽公服務滿意度調查"
    assert list(survey.results.values_list("respondents", "satisfied")) == [(50, 40)]
    assert not PetitionTally.objects.exists()


def test_an_outsider_gets_404_everywhere(client, outsider, user, plan_106):
    survey = make_survey(plan_106, user("secretariat"), results={C.COURTESY: (50, 40)})
    client.force_login(outsider)
    for page in [LIST, TREND, PETITIONS, ENTRY, url("survey_new"), url("survey_import_template")]:
        assert client.get(page).status_code == 404, page
    for name in ["survey", "survey_edit", "survey_results", "survey_import"]:
        assert client.get(url(name, survey)).status_code == 404, name
    for name in ["survey_edit", "survey_results", "survey_import", "survey_delete"]:
        assert client.post(url(name, survey), {}).status_code == 404, name
    assert client.post(ENTRY, entry_data(shilin_tianmu=(1, 1, 0))).status_code == 404
    assert SatisfactionSurvey.objects.count() == 1 and not PetitionTally.objects.exists()


def test_a_survey_of_another_plan_is_not_found(client, user, plan_106):
    survey = make_survey(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    assert client.get(reverse("assessments:survey", kwargs={"year": 107, "pk": survey.pk})).status_code == 404
    assert client.get(url("survey", pk=survey.pk + 1000)).status_code == 404


def test_the_pages_cost_the_same_queries_with_ten_times_the_surveys_and_more_months_of_tallies(client, user, plan_106):
    staff = user("secretariat")
    units = list(Unit.objects.filter(code__startswith="shilin-"))

    def surveys(count, offset=0):
        for n in range(offset, offset + count):
            make_survey(plan_106, staff, f"第{n + 1}次", date(2017, 1 + n % 12, 1 + n // 12), date(2017, 1 + n % 12, 28),
                        {c: (100 + n, 80 + n % 20) for c in C.values})

    def tallies(months):
        for month in months:
            petition_month_set(plan=plan_106, month=date(2017, month, 1), user=staff, counts={u: PetitionFigures(10, 7, 2) for u in units})

    surveys(4)
    tallies((4, 5, 6))
    survey = SatisfactionSurvey.objects.first()
    pages = {"viewer": [LIST, TREND, url("survey", survey), PETITIONS], "secretariat": [ENTRY + "?month=106/05"]}

    def counts():
        costs = {}
        for username, addresses in pages.items():
            client.force_login(user(username))
            for address in addresses:
                responses = []
                costs[address] = count_queries(lambda: responses.append(client.get(address)))  # noqa: B023
                assert responses[0].status_code == 200, address
        return costs

    before = counts()
    surveys(36, offset=4)
    tallies((1, 2, 3, 7, 8, 9, 10, 11, 12))
    assert SatisfactionSurvey.objects.count() == 40 and PetitionTally.objects.count() == 12 * len(units)
    assert counts() == before
