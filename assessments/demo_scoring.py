"""The bureau's demo: 臺北市政府警察局 with three precincts of the current year (`demo_precincts`: 士林分局, 大同分局
and 內湖分局, each with its year replayed by `demo_year` and its 書面資料送審 accepted by `demo_submissions`) and
one closed, published 評分回合 over the three, made after those (now), scored by `reviewer1` and `reviewer2`
through the service functions, a few spread points settled by `bureau` (研考承辦 of the bureau). Idempotent: when
the round exists nothing is added."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from diagnosis.demo_accounts import BUREAU_ACCOUNTS, REVIEWER_ACCOUNTS
from diagnosis.models import Dimension, FocusPoint, Plan, Unit

from .demo_timeline import PrecinctYear
from .models import ScoringRound
from .scoring_reads import point_results
from .scoring_sheet import SheetInput, sheet_save
from .scoring_writes import (
    assignment_add,
    round_close,
    round_create,
    round_precincts_set,
    round_publish,
    round_start,
    settle,
)

BUREAU = "tcpd"
# Each reviewer's dimensions, by position: both score 基礎服務 (so it is averaged, and spreads are flagged).
REVIEWERS = {"reviewer1": (1, 2, 3), "reviewer2": (1, 4, 5)}
# How each reviewer leans from how well a precinct does (its `PrecinctYear.scoring_level`).
LEAN = {"reviewer1": Decimal("0.04"), "reviewer2": Decimal("-0.03")}
COMMENTS = (
    "佐證資料完整，請持續辦理。",
    "宜補充辦理成果的量化數據。",
    "建議與鄰近分局交流作法。",
    "執行情形良好，可再精進宣導。",
)


@dataclass(frozen=True)
class DemoScoringResult:
    created: bool
    message: str


def title_of(year: int) -> str:
    return f"{year}年度各分局提升服務品質評分"


def demo_scoring_create(year: int, precincts: tuple[PrecinctYear, ...]) -> DemoScoringResult:
    """The round of `year` over `precincts` (see the module's docstring), unless it exists or one of them has no
    allotted plan of `year`."""
    bureau = Unit.objects.get(code=BUREAU)
    if ScoringRound.objects.filter(organization=bureau, year=year, title=title_of(year)).exists():
        return DemoScoringResult(False, f"「{title_of(year)}」已存在，未變更。")
    codes = [precinct.code for precinct in precincts]
    found = {
        p.organization.code: p
        for p in Plan.objects.filter(organization__code__in=codes, year=year).select_related("organization")
    }
    unallotted = FocusPoint.objects.filter(item__dimension__plan__in=found.values(), points__isnull=True)
    if len(found) < len(codes) or unallotted.exists():
        return DemoScoringResult(False, f"各分局尚無配分完成的 {year} 年度計畫，未建立評分回合。")
    with transaction.atomic():
        _round(bureau, year, [(found[precinct.code], precinct) for precinct in precincts])
    return DemoScoringResult(True, f"已建立「{title_of(year)}」（{len(codes)} 個分局，已結案並公布）。")


def _round(bureau: Unit, year: int, precincts: list[tuple[Plan, PrecinctYear]]) -> None:
    users = get_user_model().objects.in_bulk(
        [a.username for a in BUREAU_ACCOUNTS + REVIEWER_ACCOUNTS], field_name="username"
    )
    staff = users["bureau"]
    scoring_round = round_create(
        organization=bureau, year=year, title=title_of(year), spread_threshold=Decimal(2), user=staff
    )
    groups = {plan.pk: precinct.scoring_group for plan, precinct in precincts}
    round_precincts_set(scoring_round=scoring_round, groups=groups, user=staff)
    names = dict(Dimension.objects.filter(plan=precincts[0][0]).values_list("position", "name"))
    for username, positions in REVIEWERS.items():
        for position in positions:
            assignment_add(scoring_round=scoring_round, reviewer=users[username], dimension=names[position], user=staff)
    round_start(scoring_round=scoring_round, user=staff)
    for plan, precinct in precincts:
        level = precinct.scoring_level
        for username, positions in REVIEWERS.items():
            focus_points = FocusPoint.objects.filter(
                item__dimension__plan=plan, item__dimension__position__in=positions
            ).order_by("item__dimension__position", "item__position", "position")
            rows = []
            for n, fp in enumerate(focus_points):
                share = level + LEAN[username] + Decimal((n * 7 + plan.pk) % 5 - 2) / 50
                if username == "reviewer2" and n % 6 == 1:
                    share -= Decimal("0.25")  # a point the two reviewers see differently: flagged, then settled
                points = (Decimal(fp.points) * min(Decimal(1), share)).quantize(Decimal("0.1"))
                rows.append(SheetInput(fp, 0, points, COMMENTS[(n + int(username[-1])) % 4] if n % 3 == 0 else ""))
            sheet_save(scoring_round=scoring_round, plan=plan, reviewer=users[username], rows=rows, submit=True)
    for (_round, plan_id, fp_pk), result in point_results(
        [scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold}
    ).items():
        if result.needs_settling:
            settle(
                scoring_round=scoring_round,
                plan=Plan(pk=plan_id),
                focus_point=FocusPoint.objects.get(pk=fp_pk),
                points=min(result.scores),
                reason="兩位委員差距超過門檻，依佐證資料採較低分。",
                user=staff,
            )
    round_close(scoring_round=scoring_round, user=staff)
    round_publish(scoring_round=scoring_round, user=staff)
