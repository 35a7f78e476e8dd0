"""A closed 評分回合's results matrix, kept when it closes (`results_store`) and read back without its scores: the
same rows as computed (ties and groups), no query on the scores, the same cost with ten times the precincts, and a
round closed before the rows were kept still computed; last year's result read from last year's kept rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import ScoringPrecinct, ScoringResult, ScoringRound
from assessments.scoring_matrix import computed_matrix, results_matrix, results_store, stored_matrix
from assessments.scoring_sheet import SheetInput, sheet_focus_points, sheet_save
from assessments.scoring_writes import assignment_add, round_close, round_create, round_publish, round_start, settle

from .conftest import count_queries
from .scoring_fixtures import dimension, fill_sheet, precinct, scene

pytestmark = pytest.mark.django_db

SCORE_TABLE = '"assessments_score"'


@pytest.fixture
def s(plan_106, user):
    return scene(plan_106, user("secretariat"))


def tied_and_settled(s):
    """士林 settled after its reviewers' spread; 大同 and a third 小型 precinct tied."""
    third = precinct("tcpd-p3", "第三分局", s.other)
    s.round.precincts.create(plan=third, group="小型")
    fill_sheet(s, s.reviewer1, s.shilin, points=lambda fp: fp.points)
    fill_sheet(s, s.reviewer2, s.shilin, points=lambda fp: 0)
    fill_sheet(s, s.reviewer1, s.shilin, position=2, points=lambda fp: 1)
    for plan in (s.other, third):
        fill_sheet(s, s.reviewer1, plan, points=lambda fp: 1)
    for fp in sheet_focus_points(dimension(s.shilin)):
        settle(scoring_round=s.round, plan=s.shilin, focus_point=fp, points=Decimal(1), reason="依佐證", user=s.staff)
    return third


def test_the_stored_results_are_the_computed_ones_with_ties_and_groups(s):
    third = tied_and_settled(s)
    round_close(scoring_round=s.round, user=s.staff)
    s.round.refresh_from_db()
    assert ScoringResult.objects.filter(precinct__round=s.round).count() == 3
    stored = stored_matrix(s.round)
    assert stored == computed_matrix(s.round) and results_matrix(s.round) == stored
    rows = {row.precinct.plan_id: row for row in stored.rows}
    assert rows[s.other.pk].rank == rows[third.pk].rank == 2 and rows[s.shilin.pk].rank == 1
    assert rows[s.other.pk].group_rank == rows[third.pk].group_rank == 1 and rows[s.shilin.pk].group_rank == 1
    settled_points = Decimal(len(sheet_focus_points(dimension(s.shilin))))
    assert rows[s.shilin.pk].totals.by_dimension[s.dimensions[0]] == settled_points
    assert stored.dimensions == s.dimensions and stored.dimension_points[s.dimensions[0]] == dimension(s.shilin).points


def test_a_frozen_rounds_matrix_page_and_export_read_no_score(client, s):
    tied_and_settled(s)
    client.force_login(s.staff)
    urls = [
        reverse("assessments:scoring_results", kwargs={"pk": s.round.pk}),
        reverse("assessments:scoring_export", kwargs={"pk": s.round.pk, "extension": "xlsx"}),
    ]

    def score_queries():
        with CaptureQueriesContext(connection) as captured:
            pages = [client.get(url) for url in urls]
        assert all(page.status_code == 200 for page in pages)
        return [q["sql"] for q in captured if SCORE_TABLE in q["sql"]]

    assert score_queries()  # an open round's matrix is computed from its scores
    round_close(scoring_round=s.round, user=s.staff)
    assert score_queries() == []
    round_publish(scoring_round=s.round, user=s.staff)
    assert score_queries() == []


def test_a_round_closed_before_its_results_were_kept_is_computed(s):
    tied_and_settled(s)
    round_close(scoring_round=s.round, user=s.staff)
    s.round.refresh_from_db()
    kept = results_matrix(s.round)
    ScoringResult.objects.all().delete()
    assert stored_matrix(s.round) is None and results_matrix(s.round) == kept


def test_a_frozen_rounds_matrix_costs_the_same_with_ten_times_the_precincts(client, s):
    def add(count, start):
        for n in range(start, start + count):
            s.round.precincts.create(plan=precinct(f"tcpd-p{n}", f"第{n}分局", s.other), group="中型")
        # The round stays frozen while precincts are added here (the pages refuse it): its rows are kept again.
        results_store(s.round)

    ScoringRound.objects.filter(pk=s.round.pk).update(state=ScoringRound.State.CLOSED)
    add(1, 1)
    client.force_login(s.staff)
    urls = [
        reverse("assessments:scoring_results", kwargs={"pk": s.round.pk}),
        reverse("assessments:scoring_export", kwargs={"pk": s.round.pk, "extension": "xlsx"}),
    ]

    def counts():
        return [count_queries(lambda url=url: client.get(url)) for url in urls]

    before = counts()
    add(9, 2)
    assert ScoringResult.objects.count() == 12 and counts() == before


def test_last_years_result_is_read_from_last_years_kept_rows(s):
    last = round_create(
        organization=s.round.organization, year=105, title="105年度", spread_threshold=Decimal(3), user=s.staff
    )
    ScoringPrecinct.objects.create(round=last, plan=s.shilin, group="大型")
    assignment_add(scoring_round=last, reviewer=s.reviewer1, dimension=s.dimensions[0], user=s.staff)
    round_start(scoring_round=last, user=s.staff)
    rows = [SheetInput(fp, 0, Decimal(fp.points), "") for fp in sheet_focus_points(dimension(s.shilin))]
    sheet_save(scoring_round=last, plan=s.shilin, reviewer=s.reviewer1, rows=rows, submit=True)
    round_close(scoring_round=last, user=s.staff)
    round_publish(scoring_round=last, user=s.staff)
    kept = ScoringResult.objects.get(precinct__round=last)

    def last_year():
        return next(r.last_year for r in results_matrix(s.round).rows if r.precinct.plan_id == s.shilin.pk)

    assert last_year() == results_matrix(last).rows[0].totals.total_1000 > 0
    ScoringResult.objects.filter(pk=kept.pk).update(total=0)
    assert last_year() == 0  # the kept row, not the scores
    kept.delete()
    assert last_year() == results_matrix(last).rows[0].totals.total_1000 > 0  # computed when none was kept
