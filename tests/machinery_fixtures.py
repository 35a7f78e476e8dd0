"""Data for the plan dashboard's 推動作業 cards, shared by the tests that pin the dashboard's queries."""

from datetime import date

from assessments.proposal_writes import proposal_file
from assessments.survey_writes import ResultFigures, survey_results_set, survey_save
from assessments.training_writes import training_session_save
from diagnosis.models import Unit
from tests.diagnosis_fixtures import fill, open_round


def machinery(plan, user, copies=1):
    """What the dashboard's 推動作業 cards read: a diagnosis round with a submitted unit, surveys with results,
    proposals and training sessions (`copies` of each but the round)."""
    staff = user("secretariat")
    tianmu = Unit.objects.get(code="shilin-tianmu")
    if not plan.diagnosis_rounds.exists():
        fill(open_round(plan, staff).unit_diagnoses.get(unit=tianmu), user("tianmu"))
    for n in range(copies):
        survey = survey_save(plan=plan, user=staff, title=f"第{n}次調查", period_start=date(2017, 3, 1),
                             period_end=date(2017, 3, 31), design="臨櫃問卷", sampling_method="simple_random")
        survey_results_set(survey=survey, user=staff, results={"environment": ResultFigures(respondents=100, satisfied=90)})
        proposal_file(plan=plan, unit=tianmu, title=f"提案{n}", problem="問題", suggestion="建議", user=staff)
        training_session_save(plan=plan, user=staff, attendance={tianmu: 20}, values={
            "held_on": date(2017, 4, 1), "topic": f"講習{n}", "speaker": "講座", "hours": 2, "organizer": tianmu})
