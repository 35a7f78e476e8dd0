"""創意提案的採行率（服務精進機制 (2) 創新服務提案情形及採行率）: the one place it is computed.

Definition:
    採行率 = 採行 ÷ 已審結, where
    採行   = proposals now 採行 or 已實施 (an implemented proposal was adopted first), and
    已審結 = proposals now 採行, 不採行 or 已實施.
Proposals still 已提案 or 審查中 are pending: counted as proposals, not in the rate. With nothing decided the
rate is undefined and shown as 「—」, never 0% and never a division error.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from diagnosis.models import Plan

from .models import Proposal

State = Proposal.State
ADOPTED_STATES = (State.ADOPTED, State.IMPLEMENTED)
DECIDED_STATES = (State.ADOPTED, State.REJECTED, State.IMPLEMENTED)
PENDING_STATES = (State.FILED, State.REVIEWING)


@dataclass(frozen=True)
class AdoptionRate:
    """The proposal counts of one unit (or of the plan) and the rate they give."""

    filed: int = 0
    reviewing: int = 0
    adopted: int = 0  # now 採行 (not yet implemented)
    rejected: int = 0
    implemented: int = 0

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> "AdoptionRate":
        """From a {state: count} mapping; states missing count as 0; an unknown state is an error."""
        unknown = set(counts) - set(State.values)
        if unknown:
            raise ValueError(f"未知的提案狀態：{'、'.join(sorted(unknown))}")
        return cls(
            filed=counts.get(State.FILED, 0),
            reviewing=counts.get(State.REVIEWING, 0),
            adopted=counts.get(State.ADOPTED, 0),
            rejected=counts.get(State.REJECTED, 0),
            implemented=counts.get(State.IMPLEMENTED, 0),
        )

    def __add__(self, other: "AdoptionRate") -> "AdoptionRate":
        return AdoptionRate(
            filed=self.filed + other.filed,
            reviewing=self.reviewing + other.reviewing,
            adopted=self.adopted + other.adopted,
            rejected=self.rejected + other.rejected,
            implemented=self.implemented + other.implemented,
        )

    @property
    def total(self) -> int:
        """Every proposal, whatever its state."""
        return self.filed + self.reviewing + self.adopted + self.rejected + self.implemented

    @property
    def pending(self) -> int:
        return self.filed + self.reviewing

    @property
    def adopted_total(self) -> int:
        """採行 in the rate's sense: adopted, whether implemented yet or not."""
        return self.adopted + self.implemented

    @property
    def decided(self) -> int:
        return self.adopted + self.rejected + self.implemented

    @property
    def rate(self) -> Decimal | None:
        """採行率 in percent, one decimal (half up); None when nothing is decided."""
        if not self.decided:
            return None
        return (Decimal(100) * self.adopted_total / self.decided).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rate_display(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate}%"


@dataclass(frozen=True)
class UnitAdoption:
    unit_id: int
    unit_name: str
    rate: AdoptionRate


@dataclass(frozen=True)
class AdoptionTable:
    """The rate of every unit that has proposals (in unit-tree order) and of the whole plan."""

    units: list[UnitAdoption] = field(default_factory=list)

    @property
    def plan(self) -> AdoptionRate:
        total = AdoptionRate()
        for row in self.units:
            total = total + row.rate
        return total


def adoption_table_from_rows(rows: Iterable[Mapping]) -> AdoptionTable:
    """Build the table from (unit_id, unit_name, state, count) rows, already in the order to show them."""
    counts: dict[int, dict[str, int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        unit_id = row["unit_id"]
        names.setdefault(unit_id, row["unit_name"])
        per_state = counts.setdefault(unit_id, {})
        per_state[row["state"]] = per_state.get(row["state"], 0) + row["count"]
    return AdoptionTable(
        units=[UnitAdoption(unit_id, names[unit_id], AdoptionRate.from_counts(counts[unit_id])) for unit_id in counts]
    )


def adoption_table(plan: Plan) -> AdoptionTable:
    """The 採行率 of each unit of `plan` and of the plan. One query (counts grouped by unit and state)."""
    return adoption_table_from_rows(
        {"unit_id": unit_id, "unit_name": name, "state": state, "count": count}
        for unit_id, name, _order, state, count in proposal_counts(plan_id=plan.pk)
    )


def proposal_counts(*, plan_id):
    """(unit id, unit name, its tree order, state, proposals) of the plan, in unit-tree order."""
    return (
        Proposal.objects.filter(plan_id=plan_id)
        .order_by("unit__tree_order", "unit_id", "state")
        .values("unit_id", "unit__name", "unit__tree_order", "state")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "unit__name", "unit__tree_order", "state", "count")
    )


def proposal_summary(plan: Plan) -> AdoptionTable:
    """What the plan dashboard's 創意提案 card shows (`templates/assessments/_proposal_card.html`): the plan's
    counts and 採行率 and each unit's. One query."""
    return adoption_table(plan)
