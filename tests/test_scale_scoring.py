"""`generate_scale_data --scoring-round`: the bureau's pages at scale (stored figures, a published 評分回合) and the
load test's bureau accounts that read them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from assessments.models import PlanFigures, ReviewerAssignment, Score, ScoringRound, Settlement
from diagnosis.models import Membership, Plan, Unit
from perf.scale_scoring import generate_scoring_round

pytestmark = pytest.mark.django_db


def generate(organizations=3, *extra):
    out = StringIO()
    call_command("generate_scale_data", "--organizations", str(organizations), "--seed", "5", *extra, stdout=out)
    return out.getvalue()


def test_it_adds_figures_and_a_published_round_scored_over_every_precinct():
    out = generate(3, "--years", "2", "--scoring-round")
    assert "107 年度：3 個分局的進度數字與評分回合（156 筆評分" in out
    scoring_round = ScoringRound.objects.get()
    assert scoring_round.year == 107 and scoring_round.state == ScoringRound.State.PUBLISHED
    assert scoring_round.organization.code == "scale"
    plans = Plan.objects.filter(year=107)
    assert set(scoring_round.precincts.values_list("plan_id", flat=True)) == set(plans.values_list("pk", flat=True))
    assert ReviewerAssignment.objects.filter(round=scoring_round).count() == 10  # 2 reviewers × 5 構面
    assert Score.objects.filter(round=scoring_round, state=Score.State.SUBMITTED).count() == 3 * 26 * 2
    assert Settlement.objects.filter(round=scoring_round).exists()  # flagged points settled before closing
    assert Score.history.count() == 3 * 26 * 2  # written through sheet_save, with their history
    figures = PlanFigures.objects.filter(plan__in=plans)
    assert figures.count() == 3 and not figures.filter(computed_at__isnull=True).exists()
    assert not PlanFigures.objects.filter(plan__year=106).exists()  # only the round's year


def test_without_the_option_it_writes_neither():
    out = generate(1)
    assert "評分回合" not in out
    assert not ScoringRound.objects.exists() and not PlanFigures.objects.exists()


def test_the_same_seed_scores_the_same():
    generate(2)
    agency = Unit.objects.get(code="scale")
    first = generate_scoring_round(agency=agency, year=106, seed=9)
    second = generate_scoring_round(agency=agency, year=106, seed=9)
    rounds = list(ScoringRound.objects.order_by("pk"))

    def points(scoring_round):
        return sorted(
            Score.objects.filter(round=scoring_round).values_list(
                "plan_id", "focus_point_id", "reviewer__username", "points"
            )
        )

    assert points(rounds[0]) == points(rounds[1]) and first == second
    other = generate_scoring_round(agency=agency, year=106, seed=10)
    assert points(ScoringRound.objects.order_by("pk").last()) != points(rounds[0]) and other.scores == first.scores


def test_its_bureau_accounts_open_the_bureau_pages(tmp_path):
    generate(3, "--scoring-round")
    path = tmp_path / "accounts.json"
    out = StringIO()
    call_command("loadtest_accounts", "--users", "2", "--bureau-users", "2", "--output", str(path), stdout=out)
    assert "與警察局帳號 2 個" in out.getvalue()
    data = json.loads(path.read_text(encoding="utf-8"))
    bureau = data["bureau"]
    assert [a["role"] for a in bureau] == ["bureau-staff", "bureau-viewer"]
    scoring_round = ScoringRound.objects.get()
    assert {a["round"] for a in bureau} == {scoring_round.pk} and {a["year"] for a in bureau} == {106}
    roles = Membership.objects.filter(user__username__in=[a["username"] for a in bureau]).values_list(
        "unit__code", "role"
    )
    assert sorted(roles) == [("scale", "staff"), ("scale", "viewer")]
    for account in bureau:
        client = Client()
        client.cookies["sessionid"] = account["session_key"]
        for url in [
            "/side-by-side/106/?sort=-lagging",
            "/side-by-side/106/export.xlsx?sort=org",
            f"/scoring/{scoring_round.pk}/",
            f"/scoring/{scoring_round.pk}/results/",
        ]:
            assert client.get(url).status_code == 200, (account["role"], url)
    precinct_staff = Client()  # a precinct's 研考承辦 is outside the bureau: the matrix is not theirs
    precinct_staff.cookies["sessionid"] = data["accounts"][0]["session_key"]
    assert precinct_staff.get(f"/scoring/{scoring_round.pk}/results/").status_code == 404


def test_without_bureau_users_the_file_lists_none(tmp_path):
    generate(1)
    path = tmp_path / "accounts.json"
    call_command("loadtest_accounts", "--users", "2", "--output", str(path), stdout=StringIO())
    assert json.loads(path.read_text(encoding="utf-8"))["bureau"] == []
