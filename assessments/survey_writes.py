"""Service functions of the 服務評價 pages: save a survey, set its results, set a month of 陳情案件 counts.

Each writes everything it is given or nothing (one transaction) and refuses bad figures with a Chinese message,
whoever calls it: the pages, the xlsx upload, commands, tests."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from diagnosis.models import Plan, Unit

from .models import PetitionTally, SatisfactionSurvey, SurveyResult

SURVEY_FIELDS = ["title", "period_start", "period_end", "design", "population", "sampling_method", "sample_size", "notes"]


class SurveyError(Exception):
    """The figures cannot be saved; the message says why, in Chinese."""


@dataclass(frozen=True)
class ResultFigures:
    respondents: int
    satisfied: int


@dataclass(frozen=True)
class PetitionFigures:
    closed: int
    satisfied: int
    dissatisfied: int


def _first_message(error: ValidationError) -> str:
    return "；".join(error.messages)


@transaction.atomic
def survey_save(*, plan: Plan, user, survey: SatisfactionSurvey | None = None, **values) -> SatisfactionSurvey:
    """Create a survey of `plan` (or update `survey`) with the design and sampling `values`."""
    unknown = set(values) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    if survey is None:
        survey = SatisfactionSurvey(plan=plan, recorded_by=user)
    elif survey.plan_id != plan.pk:
        raise SurveyError("此調查不屬於這個計畫。")
    for name, value in values.items():
        setattr(survey, name, value)
    survey._history_user = user
    try:
        survey.full_clean()
    except ValidationError as error:
        raise SurveyError(_first_message(error)) from None
    survey.save()
    return survey


@transaction.atomic
def survey_delete(*, survey: SatisfactionSurvey, user) -> None:
    survey._history_user = user
    survey.delete()


def _check_result(label: str, figures: ResultFigures) -> None:
    for name, value in (("受訪人數", figures.respondents), ("滿意人數", figures.satisfied)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SurveyError(f"{label}的{name}須為 0 以上的整數。")
    if figures.satisfied > figures.respondents:
        raise SurveyError(f"{label}的滿意人數（{figures.satisfied}）不可多於受訪人數（{figures.respondents}）。")


@transaction.atomic
def survey_results_set(
    *, survey: SatisfactionSurvey, user, results: dict[str, ResultFigures | None], replace_all: bool = False
) -> list[SurveyResult]:
    """Set the results of the categories named in `results` (None removes a category's result). With
    `replace_all`, categories not named lose their result too. Every figure is checked before anything is
    written: one bad figure writes nothing."""
    labels = dict(SurveyResult.Category.choices)
    for category, figures in results.items():
        if category not in labels:
            raise SurveyError(f"沒有「{category}」這個調查類別；可用的類別：{'、'.join(str(label) for label in labels.values())}。")
        if figures is not None:
            _check_result(labels[category], figures)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    existing = {r.category: r for r in survey.results.all()}
    saved = []
    for category in labels:
        if category not in results and not replace_all:
            continue
        figures = results.get(category)
        current = existing.get(category)
        if figures is None:
            if current is not None:
                current._history_user = user
                current.delete()
            continue
        result = current or SurveyResult(survey=survey, category=category)
        if current is not None and (current.respondents, current.satisfied) == (figures.respondents, figures.satisfied):
            saved.append(current)
            continue
        result.respondents, result.satisfied = figures.respondents, figures.satisfied
        result._history_user = user
        result.save()
        saved.append(result)
    survey._history_user = user
    survey.save(update_fields=["updated_at"])
    return saved


def _check_petition(unit: Unit, figures: PetitionFigures) -> None:
    for name, value in (("結案件數", figures.closed), ("滿意件數", figures.satisfied), ("不滿意件數", figures.dissatisfied)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SurveyError(f"{unit.name}的{name}須為 0 以上的整數。")
    if figures.satisfied + figures.dissatisfied > figures.closed:
        raise SurveyError(
            f"{unit.name}的滿意與不滿意件數合計（{figures.satisfied + figures.dissatisfied}）不可多於結案件數（{figures.closed}）。"
        )


@transaction.atomic
def petition_month_set(*, plan: Plan, month: date, user, counts: dict[Unit, PetitionFigures | None]) -> int:
    """Set one month's 陳情案件 counts of the units in `counts` (None removes a unit's figures of that month).
    `month` is any day of the month; it must lie in the plan's period. Returns how many units have figures."""
    month = month.replace(day=1)
    if not (plan.start_date.replace(day=1) <= month <= plan.end_date):
        raise SurveyError("月份應在計畫執行期程內。")
    organization = plan.organization
    for unit, figures in counts.items():
        if unit.pk == organization.pk or not unit.is_within(organization):
            raise SurveyError(f"{unit.name}不是{organization.name}所屬的單位。")
        if figures is not None:
            _check_petition(unit, figures)
    existing = {
        t.unit_id: t for t in PetitionTally.objects.select_for_update().filter(plan=plan, month=month, unit__in=list(counts))
    }
    kept = 0
    for unit, figures in counts.items():
        current = existing.get(unit.pk)
        if figures is None:
            if current is not None:
                current._history_user = user
                current.delete()
            continue
        kept += 1
        tally = current or PetitionTally(plan=plan, unit=unit, month=month)
        values = (figures.closed, figures.satisfied, figures.dissatisfied)
        if current is not None and (current.closed, current.satisfied, current.dissatisfied) == values:
            continue
        tally.closed, tally.satisfied, tally.dissatisfied = values
        tally.recorded_by = user
        tally._history_user = user
        tally.save()
    return kept
