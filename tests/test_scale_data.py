"""`generate_scale_data`: realistic bulk data that the pages and exports handle at the same query cost."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import ControlReview, CourtesyTest, SurveyResult
from diagnosis.models import DiagnosisAnswer, Plan, Unit
from diagnosis.score_reads import framework_of
from diagnosis.scores import allotment_problems
from measures.models import Measure, PlannedProgress, ProgressReport
from tests.machinery_fixtures import machinery

pytestmark = pytest.mark.django_db


def test_it_builds_plans_measures_and_a_year_of_reports(db):
    out = StringIO()
    call_command("generate_scale_data", "--organizations", "2", "--years", "2", "--seed", "7", stdout=out)
    assert "已產生 2 個機關、4 個計畫、400 項措施、4800 筆填報" in out.getvalue()
    assert "[##############################] 4/4 個計畫" in out.getvalue()
    plans = Plan.objects.filter(organization__code__startswith="scale-p")
    assert plans.count() == 4 and set(plans.values_list("year", flat=True)) == {106, 107}
    plan = plans.get(organization__code="scale-p0001", year=107)
    assert plan.dimensions.count() == 5 and sum(plan.dimensions.values_list("points", flat=True)) == 1000
    assert Measure.objects.filter(plan=plan).count() == 100
    assert PlannedProgress.objects.filter(measure__plan=plan).count() == 1200
    assert ProgressReport.objects.filter(measure__plan=plan, period__year=2018).count() == 1200
    assert ControlReview.objects.get(plan=plan).items.count() == 10
    # The rest of the year's work, with an allotment that adds up (scores() would refuse one that does not).
    framework = framework_of(plan)
    assert allotment_problems(framework) == []
    round_ = plan.diagnosis_rounds.get()
    assert round_.unit_diagnoses.filter(state="submitted").count() == 15
    assert DiagnosisAnswer.objects.filter(unit_diagnosis__round=round_).count() == 15 * 26
    assert plan.proposals.count() == 12 and plan.satisfaction_surveys.count() == 2
    assert SurveyResult.objects.filter(survey__plan=plan).count() == 10
    assert plan.petition_tallies.count() == 15 * 12 and plan.training_sessions.count() == 6
    assert CourtesyTest.objects.filter(plan=plan).count() == 30 and plan.commendations.count() == 5
    assert plan.team_members.count() == 8
    precinct = Unit.objects.get(code="scale-p0001")
    assert Unit.objects.within(precinct).count() == 16
    assert all(u.path.startswith(precinct.path) for u in Unit.objects.within(precinct))
    # Its sort keys are set like its paths: offices o1–o5, then stations s1–s10 (s10 after s9, not after s1).
    assert all(u.tree_order.startswith(precinct.tree_order) for u in Unit.objects.within(precinct))
    in_tree_order = [code.removeprefix("scale-p0001-") for code in Unit.objects.within(precinct).in_tree_order().values_list("code", flat=True)]
    assert in_tree_order == ["scale-p0001", *[f"o{n}" for n in range(1, 6)], *[f"s{n}" for n in range(1, 11)]]
    with pytest.raises(CommandError, match="資料庫已有規模測試資料"):
        call_command("generate_scale_data", stdout=StringIO())
    with pytest.raises(CommandError, match="機關數與年數都至少為 1"):
        call_command("generate_scale_data", "--organizations", "0", stdout=StringIO())


def test_the_pages_cost_what_they_cost_on_the_106_plan(client, user, plan_106):
    call_command("generate_scale_data", "--organizations", "2", "--years", "1", stdout=StringIO())
    machinery(plan_106, user)  # a diagnosis round and a survey, as every generated plan has
    client.force_login(user("admin"))

    def cost(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        return len(queries.captured_queries)

    for page in ["/plans/106/dashboard/?as_of=106/05/31", "/plans/106/", "/plans/106/forms/2.xlsx"]:
        on_seed = cost(page + ("&" if "?" in page else "?") + "org=tcpd-shilin")
        on_scale = cost(page + ("&" if "?" in page else "?") + "org=scale-p0002")
        assert on_scale == on_seed, page


@pytest.mark.parametrize("in_transaction", [True, pytest.param(False, marks=pytest.mark.django_db(transaction=True))])
def test_it_refreshes_statistics_and_on_postgresql_outside_a_transaction_vacuums(in_transaction):
    """VACUUM cannot run in a transaction (a caller's atomic block): there, and on SQLite, ANALYZE."""
    from django.db import transaction

    from perf.scale_data import _analyze

    vacuums = connection.vendor == "postgresql" and not in_transaction
    with CaptureQueriesContext(connection) as captured:
        if in_transaction:
            with transaction.atomic():
                _analyze()
        else:
            assert not connection.in_atomic_block
            _analyze()
    assert [q["sql"] for q in captured.captured_queries if "ANALYZE" in q["sql"]] == ["VACUUM ANALYZE" if vacuums else "ANALYZE"]
