"""採行率: one definition, table-driven (adopted incl. implemented ÷ decided; nothing decided → 「—」)."""

from decimal import Decimal

import pytest

from assessments.adoption import AdoptionRate, adoption_table, adoption_table_from_rows, proposal_summary
from assessments.models import Proposal
from assessments.proposal_writes import proposal_file, proposal_transition
from diagnosis.models import Unit

from .conftest import count_queries

# counts by state → (total, pending, adopted incl. implemented, decided, rate, shown)
CASES = [
    ("no proposals", {}, (0, 0, 0, 0, None, "—")),
    ("only pending", {"filed": 2, "reviewing": 1}, (3, 3, 0, 0, None, "—")),
    ("none adopted", {"rejected": 4, "filed": 1}, (5, 1, 0, 4, Decimal("0.0"), "0.0%")),
    ("all adopted", {"adopted": 2}, (2, 0, 2, 2, Decimal("100.0"), "100.0%")),
    ("implemented counts as adopted", {"implemented": 1, "rejected": 1}, (2, 0, 1, 2, Decimal("50.0"), "50.0%")),
    ("one of three, rounded", {"adopted": 1, "rejected": 2}, (3, 0, 1, 3, Decimal("33.3"), "33.3%")),
    ("two of three, rounded half up", {"adopted": 1, "implemented": 1, "rejected": 1, "reviewing": 5}, (8, 5, 2, 3, Decimal("66.7"), "66.7%")),
    ("one of eight: 12.5 stays", {"adopted": 1, "rejected": 7}, (8, 0, 1, 8, Decimal("12.5"), "12.5%")),
]


@pytest.mark.parametrize(("label", "counts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_computes_the_rate(label, counts, expected):
    rate = AdoptionRate.from_counts(counts)
    assert (rate.total, rate.pending, rate.adopted_total, rate.decided, rate.rate, rate.rate_display) == expected


def test_it_refuses_an_unknown_state():
    with pytest.raises(ValueError, match="未知的提案狀態：maybe"):
        AdoptionRate.from_counts({"maybe": 1})


# rows (unit, state, count) → per-unit rates shown, plan rate shown
TABLES = [
    ("a plan without proposals", [], [], "—"),
    ("a plan with none adopted", [(1, "甲", "rejected", 2), (2, "乙", "rejected", 1), (2, "乙", "filed", 3)], [("甲", "0.0%"), ("乙", "0.0%")], "0.0%"),
    ("one unit undecided, the other decided", [(1, "甲", "filed", 2), (2, "乙", "adopted", 1), (2, "乙", "rejected", 1)], [("甲", "—"), ("乙", "50.0%")], "50.0%"),
    ("the plan is not the mean of the units", [(1, "甲", "adopted", 1), (2, "乙", "rejected", 3)], [("甲", "100.0%"), ("乙", "0.0%")], "25.0%"),
]


@pytest.mark.parametrize(("label", "rows", "units", "plan"), TABLES, ids=[t[0] for t in TABLES])
def test_it_builds_the_table_of_units_and_plan(label, rows, units, plan):
    table = adoption_table_from_rows(
        {"unit_id": unit_id, "unit_name": name, "state": state, "count": count} for unit_id, name, state, count in rows
    )
    assert [(row.unit_name, row.rate.rate_display) for row in table.units] == units
    assert table.plan.rate_display == plan


@pytest.mark.django_db
def test_it_reads_the_plan_in_the_same_queries_with_ten_times_the_proposals(plan_106, user):
    staff = user("secretariat")
    tianmu = Unit.objects.get(code="shilin-tianmu")
    investigation = Unit.objects.get(code="shilin-investigation")

    def filed(unit, *steps):
        proposal = proposal_file(plan=plan_106, unit=unit, title="t", problem="p", suggestion="s", user=staff)
        for step in steps:
            proposal_transition(proposal=proposal, to_state=step, reason="理由", expected_state=proposal.state, user=staff)
            proposal.refresh_from_db()
        return proposal

    filed(tianmu)
    filed(tianmu, "reviewing", "adopted", "implemented")
    filed(tianmu, "reviewing", "rejected")
    filed(investigation, "reviewing")
    table = adoption_table(plan_106)
    by_unit = {row.unit_name: row.rate for row in table.units}
    assert by_unit["天母派出所"] == AdoptionRate(filed=1, implemented=1, rejected=1)
    assert by_unit["天母派出所"].rate_display == "50.0%"
    assert by_unit["偵查隊"].rate_display == "—"
    assert table.plan.total == 4 and table.plan.rate_display == "50.0%"
    assert proposal_summary(plan_106).plan == table.plan
    before = count_queries(lambda: adoption_table(plan_106)), count_queries(lambda: proposal_summary(plan_106))
    units = list(Unit.objects.filter(parent__code="tcpd-shilin"))
    Proposal.objects.bulk_create(
        Proposal(plan=plan_106, unit=unit, title="t", problem="p", suggestion="s", filed_by=staff, state=state)
        for unit in units for state in Proposal.State.values
    )
    assert Proposal.objects.filter(plan=plan_106).count() >= 40
    assert (count_queries(lambda: adoption_table(plan_106)), count_queries(lambda: proposal_summary(plan_106))) == before
    assert len(adoption_table(plan_106).units) == len(units)
