"""The one module that computes the 服務評價 figures: rates, margins of error, trends, the 陳情 analysis."""

import math
from datetime import date
from types import SimpleNamespace

import pytest

from assessments.charts import rate_trend_chart
from assessments.models import PetitionTally, SatisfactionSurvey, SurveyResult
from assessments.satisfaction import (
    Rate,
    margin_display,
    margin_of_error,
    petition_analysis,
    points_display,
    rate,
    satisfaction_summary,
    survey_figures,
    survey_trend,
)
from assessments.survey_writes import ResultFigures, survey_results_set, survey_save
from diagnosis.models import Unit

from .conftest import count_queries

C = SurveyResult.Category


@pytest.mark.parametrize(
    ("satisfied", "respondents", "value", "shown"),
    [
        (0, 0, None, "—"),  # a survey with zero respondents has no rate
        (0, 120, 0.0, "0.0%"),  # exactly 0
        (120, 120, 1.0, "100.0%"),  # exactly 100%
        (85, 100, 0.85, "85.0%"),
        (1, 3, 1 / 3, "33.3%"),
        (2, 3, 2 / 3, "66.7%"),
        (7, 8, 0.875, "87.5%"),
    ],
)
def test_it_rates_satisfied_over_respondents(satisfied, respondents, value, shown):
    result = rate(satisfied, respondents)
    assert result.value == value
    assert result.display == shown == str(result)


@pytest.mark.parametrize(
    ("n", "population", "margin"),
    [
        (None, None, None),  # no sample size: no margin
        (0, None, None),  # zero respondents
        (0, 500, None),
        (400, None, 1.96 * math.sqrt(0.25 / 400)),  # 0.049: the textbook ±4.9%
        (1067, None, 1.96 * math.sqrt(0.25 / 1067)),  # ±3.0%
        (400, 2000, 1.96 * math.sqrt(0.25 / 400) * math.sqrt(1600 / 1999)),  # finite-population correction
        (1, 1, 0.0),  # n = N: everyone asked
        (500, 500, 0.0),
        (501, 500, None),  # n > population: the figures disagree, no margin
        (1, None, 0.98),
    ],
)
def test_it_gives_the_margin_of_error_at_95_percent(n, population, margin):
    got = margin_of_error(n, population)
    assert got == pytest.approx(margin) if margin is not None else got is None


@pytest.mark.parametrize(
    ("margin", "shown"), [(None, "—"), (0.0, "±0.0%"), (0.049, "±4.9%"), (1.96 * math.sqrt(0.25 / 1067), "±3.0%")]
)
def test_it_shows_a_margin_as_plus_minus_percent(margin, shown):
    assert margin_display(margin) == shown


@pytest.mark.parametrize(
    ("points", "shown"), [(None, "—"), (0.0, "0.0 個百分點"), (0.04, "0.0 個百分點"), (2.5, "+2.5 個百分點"), (-1.0, "−1.0 個百分點")]
)
def test_it_shows_a_change_in_percentage_points(points, shown):
    assert points_display(points) == shown


def fake_survey(pk, start, results, population=None, sample_size=None):
    """A survey as survey_figures reads it: results are given, no database."""
    survey = SimpleNamespace(pk=pk, period_start=start, period_end=start, population=population, sample_size=sample_size)
    rows = [SimpleNamespace(category=c, respondents=n, satisfied=s) for c, (n, s) in results.items()]
    survey.results = SimpleNamespace(all=lambda: rows)
    return survey


@pytest.mark.parametrize(
    ("results", "population", "sample_size", "overall", "rates", "planned"),
    [
        # zero respondents in every category: no rate anywhere, not 0%
        ({C.ENVIRONMENT: (0, 0), C.COURTESY: (0, 0)}, None, 400, "—", {C.ENVIRONMENT: "—", C.COURTESY: "—"}, "±4.9%"),
        # only some categories: the rest are 未調查 (None), the overall pools those asked
        ({C.COURTESY: (100, 90), C.EXPERTISE: (100, 80)}, None, None, "85.0%", {C.COURTESY: "90.0%", C.EXPERTISE: "80.0%", C.INTERNAL: "—"}, "—"),
        # 0% and 100% exactly
        ({C.ENVIRONMENT: (50, 0), C.MEASURES: (50, 50)}, 60, 50, "50.0%", {C.ENVIRONMENT: "0.0%", C.MEASURES: "100.0%"}, margin_display(1.96 * math.sqrt(0.25 / 50) * math.sqrt(10 / 59))),
        # every category, a census (n = N)
        ({c: (10, 9) for c in C.values}, 10, 10, "90.0%", {c: "90.0%" for c in C.values}, "±0.0%"),
        # no results at all
        ({}, None, None, "—", {c: "—" for c in C.values}, "—"),
    ],
)
def test_it_gives_a_surveys_figures(results, population, sample_size, overall, rates, planned):
    figures = survey_figures(fake_survey(1, date(2017, 3, 1), results, population, sample_size))
    assert [c.label for c in figures.categories] == ["洽公環境", "服務禮儀", "服務專業性", "服務措施", "內部同仁滿意度"]
    assert figures.overall.display == overall
    shown = {c.category: c.rate_display for c in figures.categories}
    for category, expected in rates.items():
        assert shown[category] == expected
    assert [c.category for c in figures.surveyed] == list(results)
    assert figures.planned_margin_display == planned


def test_the_achieved_margin_uses_each_categorys_respondents_and_none_when_more_than_the_population():
    figures = survey_figures(fake_survey(1, date(2017, 3, 1), {C.ENVIRONMENT: (400, 300), C.INTERNAL: (250, 200)}, population=300))
    by = {c.category: c for c in figures.categories}
    assert by[C.ENVIRONMENT].margin is None and by[C.ENVIRONMENT].margin_display == "—"  # 400 answers from 300 people
    assert by[C.INTERNAL].margin == pytest.approx(1.96 * math.sqrt(0.25 / 250) * math.sqrt(50 / 299))


@pytest.mark.parametrize(
    ("surveys", "expected"),
    [
        # one period only
        ([(1, date(2017, 3, 1), {C.ENVIRONMENT: (100, 80)})], {C.ENVIRONMENT: [80.0], C.COURTESY: [None]}),
        # ordered by period, not by entry; a survey without the category leaves a gap
        (
            [
                (2, date(2017, 9, 1), {C.ENVIRONMENT: (100, 90), C.COURTESY: (100, 70)}),
                (1, date(2017, 3, 1), {C.ENVIRONMENT: (100, 80)}),
                (3, date(2017, 6, 1), {C.ENVIRONMENT: (0, 0), C.COURTESY: (50, 50)}),
            ],
            {C.ENVIRONMENT: [80.0, None, 90.0], C.COURTESY: [None, 100.0, 70.0], C.INTERNAL: [None, None, None]},
        ),
        ([], {C.ENVIRONMENT: []}),
    ],
)
def test_it_gives_each_categorys_trend_in_period_order(surveys, expected):
    trend = survey_trend([fake_survey(pk, start, results) for pk, start, results in surveys])
    assert [s.pk for s in trend.surveys] == sorted([s[0] for s in surveys], key=lambda pk: {1: 0, 3: 1, 2: 2}[pk])
    values = {s.category: s.values() for s in trend.series}
    for category, series in expected.items():
        assert values[category] == series
    assert {s.category for s in trend.series_with_data} == {c for c, v in expected.items() if any(x is not None for x in v)}


@pytest.mark.parametrize(
    ("periods", "values", "segments", "points"),
    [
        (["106年3月"], [80.0], 0, 1),  # one period: a marker, no line
        (["106年3月", "106年6月", "106年9月"], [80.0, 85.0, 90.0], 1, 3),
        (["106年3月", "106年6月", "106年9月"], [80.0, None, 90.0], 1, 2),  # the line joins across a gap
        (["106年3月", "106年6月", "106年9月"], [None, 90.0, None], 0, 1),
        (["a", "b", "c", "d"], [0.0, 100.0, None, 50.0], 1, 3),
    ],
)
def test_the_trend_chart_draws_lines_markers_and_gaps(periods, values, segments, points):
    chart = rate_trend_chart(periods, [("environment", "洽公環境", values)])
    line = chart.lines[0]
    assert (len(line.segments), len(line.points)) == (segments, points)
    assert [t.label for t in chart.x_ticks] == periods
    assert all(chart.top <= p.y <= chart.bottom and chart.left <= p.x <= chart.right for p in line.points)
    assert "洽公環境：" in chart.description and "—" in chart.description if None in values else True


def test_a_chart_of_many_periods_labels_some_and_marks_all():
    periods = [f"106年{m}月" for m in range(1, 13)]
    chart = rate_trend_chart(periods, [("courtesy", "服務禮儀", [90.0] * 12)])
    assert [t.label for t in chart.x_ticks] == ["106年1月", "106年3月", "106年5月", "106年7月", "106年9月", "106年11月"]
    assert len(chart.lines[0].points) == 12 and len(chart.lines[0].segments) == 1


def test_the_chart_puts_0_at_the_bottom_and_100_at_the_top():
    chart = rate_trend_chart(["a", "b"], [("environment", "洽公環境", [0.0, 100.0])])
    low, high = chart.lines[0].points
    assert (low.y, high.y) == (chart.bottom, chart.top)
    assert low.label == "洽公環境 a：0.0%" and high.label == "洽公環境 b：100.0%"
    assert rate_trend_chart([], []).description == "尚無滿意度資料。"


def unit(pk, path, name):
    return SimpleNamespace(pk=pk, path=path, name=name)


A, B, D = unit(1, "/1/2/", "文林派出所"), unit(2, "/1/3/", "天母派出所"), unit(3, "/1/4/", "偵查隊")


def tally(u, month, satisfied, dissatisfied, closed=None):
    return SimpleNamespace(
        unit=u, unit_id=u.pk, month=month, satisfied=satisfied, dissatisfied=dissatisfied,
        closed=satisfied + dissatisfied if closed is None else closed,
    )


MAY, JUN = date(2017, 5, 1), date(2017, 6, 1)


@pytest.mark.parametrize(
    ("tallies", "month", "rows", "precinct"),
    [
        # ratio = 不滿意 / (滿意 + 不滿意); the precinct pools the month; above it is flagged
        (
            [tally(A, MAY, 8, 2), tally(B, MAY, 5, 5), tally(D, MAY, 10, 0)],
            MAY,
            [("文林派出所", "20.0%", "—", False), ("天母派出所", "50.0%", "—", True), ("偵查隊", "0.0%", "—", False)],
            "23.3%",
        ),
        # the change against the previous month, in percentage points; a unit new this month has none
        (
            [tally(A, MAY, 8, 2), tally(B, MAY, 5, 5), tally(A, JUN, 9, 1), tally(B, JUN, 2, 8), tally(D, JUN, 4, 0, closed=9)],
            JUN,
            [("文林派出所", "10.0%", "−10.0 個百分點", False), ("天母派出所", "80.0%", "+30.0 個百分點", True), ("偵查隊", "0.0%", "—", False)],
            "37.5%",
        ),
        # nobody answered: no ratio, no change, never flagged
        ([tally(A, MAY, 0, 0, closed=4), tally(B, MAY, 0, 0)], MAY, [("文林派出所", "—", "—", False), ("天母派出所", "—", "—", False)], "—"),
        # every answer 不滿意: 100%, and nobody is above the precinct's 100%
        ([tally(A, MAY, 0, 3), tally(B, MAY, 0, 1)], MAY, [("文林派出所", "100.0%", "—", False), ("天母派出所", "100.0%", "—", False)], "100.0%"),
    ],
)
def test_it_analyses_petitions_by_unit_and_month(tallies, month, rows, precinct):
    analysis = petition_analysis(tallies)
    selected = analysis.month(month)
    got = [(r.unit.name, r.ratio.display, r.change_display, r.above_precinct) for r in selected.rows]
    assert got == rows
    assert selected.precinct.display == precinct


def test_a_january_compares_with_the_december_before_and_the_grid_has_gaps():
    dec, jan = date(2016, 12, 1), date(2017, 1, 1)
    analysis = petition_analysis([tally(A, dec, 3, 1), tally(A, jan, 1, 1), tally(B, jan, 1, 0)])
    assert analysis.month(jan).rows[0].change == pytest.approx(25.0)
    assert analysis.month(jan).param == "106/01"
    assert [[c and c.ratio.display for c in cells] for _, cells in analysis.unit_rows()] == [["25.0%", "50.0%"], [None, "0.0%"]]
    assert analysis.month(date(2017, 2, 1)) is None
    assert petition_analysis([]).months == []


@pytest.mark.django_db
def test_the_summary_for_the_dashboard_costs_the_same_queries_with_ten_times_the_surveys(plan_106, user):
    assert satisfaction_summary(plan_106).figures is None
    staff = user("secretariat")

    def surveyed(title, start, end, satisfied):
        survey = survey_save(plan=plan_106, user=staff, title=title, period_start=start, period_end=end,
                             sampling_method=SatisfactionSurvey.Sampling.SYSTEMATIC)
        survey_results_set(survey=survey, user=staff, results={C.ENVIRONMENT: ResultFigures(100, satisfied), C.COURTESY: ResultFigures(0, 0)})

    for month, satisfied in ((3, 80), (9, 95), (6, 90)):
        surveyed(f"{month}月調查", date(2017, month, 1), date(2017, month, 28), satisfied)
    before = count_queries(lambda: satisfaction_summary(plan_106))
    summary = satisfaction_summary(plan_106)
    assert summary.survey.title == "9月調查" and summary.survey_count == 3
    for i in range(27):  # earlier surveys
        surveyed(f"加測{i}", date(2017, 1 + i % 8, 1 + i // 8), date(2017, 1 + i % 8, 20), 50)
    assert count_queries(lambda: satisfaction_summary(plan_106)) == before
    assert satisfaction_summary(plan_106).survey_count == 30 and satisfaction_summary(plan_106).survey.title == "9月調查"
    assert summary.figures.overall.display == "95.0%"
    assert [c.rate_display for c in summary.figures.categories][:3] == ["95.0%", "—", "—"]
    from django.template.loader import render_to_string

    card = render_to_string("assessments/_satisfaction_card.html", {"plan": plan_106, "satisfaction": summary})
    assert "9月調查" in card and "整體滿意度 <strong>95.0%</strong>" in card and "滿意度調查（3 次）" in card
    empty = render_to_string("assessments/_satisfaction_card.html", {"plan": plan_106, "satisfaction": satisfaction_summary(plan_106).__class__(None, 0)})
    assert "尚未登錄滿意度調查。" in empty


def test_rate_is_a_value_object():
    assert Rate(1, 2) == rate(1, 2) and Rate(1, 2).percent == 50.0


@pytest.mark.django_db
def test_petition_tallies_count_no_answer(plan_106, user):
    t = PetitionTally(plan=plan_106, unit=Unit.objects.get(code="shilin-tianmu"), month=MAY, closed=10, satisfied=6, dissatisfied=1)
    assert t.no_answer == 3
