"""Every figure of the 服務評價 pages, computed here and nowhere else.

- 滿意度 of a category: 滿意人數 / 受訪人數 (回答滿意及非常滿意者); no respondents → no rate (shown as —).
- 整體滿意度 of a survey: the categories pooled (Σ滿意 / Σ受訪).
- 抽樣誤差 at 95% confidence: 1.96·√(p(1−p)/n) with p = 0.5 (the worst case), times the finite-population
  correction √((N−n)/(N−1)) when the survey's 母體數 N is known. Two are shown: the planned one, with n = the
  survey's 預定樣本數, and for each category the achieved one, with n = that category's 受訪人數. No n → none;
  n = N (every member asked) → 0; n > N (more answers than the population holds) → none, the data disagree.
- 趨勢: one series per category over the plan's surveys in period order; a survey without the category leaves
  a gap.
- 陳情案件: a unit's 不滿意比例 of a month is 不滿意 / (滿意 + 不滿意) — of the petitioners who answered (cases
  with no answer say nothing either way); its change is this month's ratio minus the previous calendar month's,
  in percentage points; the precinct's ratio pools every unit of the month, and a unit above it is flagged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Window

from diagnosis.models import Plan

from .models import PetitionTally, SatisfactionSurvey, SurveyResult

Category = SurveyResult.Category
Z_95 = 1.96
WORST_CASE_P = 0.5
DASH = "—"


@dataclass(frozen=True)
class Rate:
    """A share `part` of `whole`; no whole, no rate."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        """The share between 0 and 1, or None without a whole."""
        return self.part / self.whole if self.whole > 0 else None

    @property
    def percent(self) -> float | None:
        value = self.value
        return None if value is None else value * 100

    @property
    def display(self) -> str:
        return percent_display(self.percent)

    def __str__(self) -> str:
        return self.display


def percent_display(percent: float | None) -> str:
    """85.0%, 100.0%, or — for no figure."""
    return DASH if percent is None else f"{percent:.1f}%"


def points_display(points: float | None) -> str:
    """A change in percentage points: +2.5、−1.0、0.0 個百分點, or — when there is nothing to compare."""
    if points is None:
        return DASH
    if round(points, 1) == 0:
        return "0.0 個百分點"
    return f"{'+' if points > 0 else '−'}{abs(points):.1f} 個百分點"


def rate(satisfied: int, respondents: int) -> Rate:
    return Rate(satisfied, respondents)


def margin_of_error(n: int | None, population: int | None = None) -> float | None:
    """The 95% margin of error of a share from `n` answers (p = 0.5), as a share (0.0438 = ±4.38 個百分點).

    With `population` (N) known, the finite-population correction applies: n = N gives 0, n > N gives None."""
    if not n or n <= 0:
        return None
    base = Z_95 * math.sqrt(WORST_CASE_P * (1 - WORST_CASE_P) / n)
    if population is None:
        return base
    if n > population:
        return None
    if n == population:
        return 0.0
    return base * math.sqrt((population - n) / (population - 1))


def margin_display(margin: float | None) -> str:
    return DASH if margin is None else f"±{margin * 100:.1f}%"


# --- one survey ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryFigure:
    category: str
    label: str
    result: SurveyResult | None
    rate: Rate | None
    margin: float | None

    @property
    def rate_display(self) -> str:
        return self.rate.display if self.rate is not None else DASH

    @property
    def margin_display(self) -> str:
        return margin_display(self.margin)


@dataclass(frozen=True)
class SurveyFigures:
    survey: SatisfactionSurvey
    categories: list[CategoryFigure]  # all five, in the seed's order; `result` is None where not surveyed
    overall: Rate
    planned_margin: float | None

    @property
    def surveyed(self) -> list[CategoryFigure]:
        return [c for c in self.categories if c.result is not None]

    @property
    def planned_margin_display(self) -> str:
        return margin_display(self.planned_margin)


def survey_figures(survey: SatisfactionSurvey, results: Iterable[SurveyResult] | None = None) -> SurveyFigures:
    """The survey's rates and margins; `results` defaults to `survey.results.all()` (prefetched or one query)."""
    by_category = {r.category: r for r in (survey.results.all() if results is None else results)}
    categories = []
    for value, label in Category.choices:
        result = by_category.get(value)
        categories.append(
            CategoryFigure(
                category=value,
                label=str(label),
                result=result,
                rate=rate(result.satisfied, result.respondents) if result else None,
                margin=margin_of_error(result.respondents, survey.population) if result else None,
            )
        )
    found = list(by_category.values())
    overall = Rate(sum(r.satisfied for r in found), sum(r.respondents for r in found))
    return SurveyFigures(survey, categories, overall, margin_of_error(survey.sample_size, survey.population))


# --- the trend across surveys ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendSeries:
    category: str
    label: str
    rates: list[Rate | None]  # one per period; None where the survey did not ask, or nobody answered

    @property
    def has_data(self) -> bool:
        return any(r is not None and r.value is not None for r in self.rates)

    def values(self) -> list[float | None]:
        return [None if r is None else r.percent for r in self.rates]


@dataclass(frozen=True)
class Trend:
    surveys: list[SatisfactionSurvey]  # in period order
    series: list[TrendSeries]  # all five categories, in the seed's order
    overall: list[Rate] = field(default_factory=list)

    @property
    def series_with_data(self) -> list[TrendSeries]:
        return [s for s in self.series if s.has_data]


def survey_trend(surveys: Sequence[SatisfactionSurvey]) -> Trend:
    """Each category's rate across `surveys` (results prefetched), ordered by period."""
    ordered = sorted(surveys, key=lambda s: (s.period_start, s.period_end, s.pk))
    figures = [survey_figures(s) for s in ordered]
    series = []
    for index, (value, label) in enumerate(Category.choices):
        series.append(TrendSeries(value, str(label), [f.categories[index].rate for f in figures]))
    return Trend(surveys=ordered, series=series, overall=[f.overall for f in figures])


def plan_trend(plan: Plan) -> Trend:
    """The trend of a plan's surveys: two queries (surveys, their results)."""
    return survey_trend(list(SatisfactionSurvey.objects.filter(plan=plan).for_list()))


# --- the plan dashboard ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SatisfactionSummary:
    figures: SurveyFigures | None  # the latest survey's; None when the plan has none
    survey_count: int

    @property
    def survey(self) -> SatisfactionSurvey | None:
        return self.figures.survey if self.figures else None


def satisfaction_summary(plan: Plan) -> SatisfactionSummary:
    """The latest survey (by period end) with its overall and per-category rates. Two queries whatever the data:
    the surveys' count with the latest one, and its results."""
    found = latest_survey(plan_id=plan.pk)
    if not found:
        return SatisfactionSummary(None, 0)
    latest = found[0]
    return SatisfactionSummary(survey_figures(latest, survey_results(survey_id=latest.pk)), latest.survey_count)


def latest_survey(*, plan_id):
    """The plan's latest survey, with how many surveys the plan has (`survey_count`)."""
    return SatisfactionSurvey.objects.filter(plan_id=plan_id).annotate(survey_count=Window(Count("pk"))).latest_first()[:1]


def survey_results(*, survey_id):
    """A survey's results. By category (survey_figures): unordered, not by the model's ordering through the
    survey's plan and organisation."""
    return SurveyResult.objects.filter(survey_id=survey_id).order_by()


# --- 陳情案件 -------------------------------------------------------------------------------------------
def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


@dataclass(frozen=True)
class PetitionRow:
    unit: object  # measures.Unit
    tally: PetitionTally
    ratio: Rate  # 不滿意 / (滿意 + 不滿意)
    change: float | None  # percentage points against the previous month
    above_precinct: bool

    @property
    def change_display(self) -> str:
        return points_display(self.change)


@dataclass(frozen=True)
class PetitionMonth:
    month: date
    rows: list[PetitionRow]  # units with a tally this month, in tree order
    precinct: Rate  # every unit pooled
    closed: int
    satisfied: int
    dissatisfied: int
    change: float | None  # the precinct's ratio against the previous month

    @property
    def change_display(self) -> str:
        return points_display(self.change)

    @property
    def param(self) -> str:
        """The month as the pages' ?month= takes it: 106/05."""
        return f"{self.month.year - 1911}/{self.month.month:02d}"

    @property
    def flagged(self) -> list[PetitionRow]:
        return [row for row in self.rows if row.above_precinct]


@dataclass(frozen=True)
class PetitionAnalysis:
    months: list[PetitionMonth]  # in month order
    units: list  # every unit with a tally in any month, tree order
    grid: dict = field(default_factory=dict)  # (unit pk, month) → PetitionRow

    def month(self, month: date) -> PetitionMonth | None:
        return next((m for m in self.months if m.month == month), None)

    def unit_rows(self) -> list[tuple[object, list[PetitionRow | None]]]:
        """For the units × months table: each unit with its row of each month (None where not entered)."""
        return [(unit, [self.grid.get((unit.pk, m.month)) for m in self.months]) for unit in self.units]


def _dissatisfied_ratio(satisfied: int, dissatisfied: int) -> Rate:
    return Rate(dissatisfied, satisfied + dissatisfied)


def _change(now: Rate, before: Rate | None) -> float | None:
    if before is None or now.percent is None or before.percent is None:
        return None
    return now.percent - before.percent


def petition_analysis(tallies: Iterable[PetitionTally]) -> PetitionAnalysis:
    """Monthly 不滿意 analysis by unit from `tallies` (units joined, ordered by month and unit path)."""
    by_month: dict[date, list[PetitionTally]] = defaultdict(list)
    units = {}
    for tally in tallies:
        by_month[tally.month].append(tally)
        units[tally.unit_id] = tally.unit
    ratios = {
        (t.unit_id, t.month): _dissatisfied_ratio(t.satisfied, t.dissatisfied) for month in by_month.values() for t in month
    }
    precinct_ratios = {}
    months, grid = [], {}
    for month in sorted(by_month):
        entries = sorted(by_month[month], key=lambda t: (t.unit.path, t.unit_id))
        satisfied = sum(t.satisfied for t in entries)
        dissatisfied = sum(t.dissatisfied for t in entries)
        precinct = _dissatisfied_ratio(satisfied, dissatisfied)
        precinct_ratios[month] = precinct
        rows = []
        for tally in entries:
            ratio = ratios[(tally.unit_id, month)]
            above = ratio.value is not None and precinct.value is not None and ratio.value > precinct.value
            row = PetitionRow(
                unit=tally.unit,
                tally=tally,
                ratio=ratio,
                change=_change(ratio, ratios.get((tally.unit_id, previous_month(month)))),
                above_precinct=above,
            )
            rows.append(row)
            grid[(tally.unit_id, month)] = row
        months.append(
            PetitionMonth(
                month=month,
                rows=rows,
                precinct=precinct,
                closed=sum(t.closed for t in entries),
                satisfied=satisfied,
                dissatisfied=dissatisfied,
                change=_change(precinct, precinct_ratios.get(previous_month(month))),
            )
        )
    ordered_units = sorted(units.values(), key=lambda u: (u.path, u.pk))
    return PetitionAnalysis(months=months, units=ordered_units, grid=grid)


def plan_petition_analysis(plan: Plan) -> PetitionAnalysis:
    """One query: the plan's tallies with their units."""
    return petition_analysis(PetitionTally.objects.filter(plan=plan).for_analysis())
