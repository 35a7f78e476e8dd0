"""What the bureau's pages read, at scale: for the newest year of the scale data, every precinct's stored figures
(各機關進度比較, `plan_figures_refresh`) and one 評分回合 over every precinct, scored by two reviewers per
dimension, its spread points settled, closed and published.

Written through the service functions the pages use (`round_create` … `round_publish`, `sheet_save`, `settle`),
so every row has its history as a user's would: about 1 second per 10 precincts on PostgreSQL."""

import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.figure_writes import plan_figures_refresh
from assessments.scoring_reads import point_results
from assessments.scoring_sheet import SheetInput, sheet_save
from assessments.scoring_writes import (
    assignment_add,
    precinct_plans,
    round_close,
    round_create,
    round_precincts_set,
    round_publish,
    round_start,
    settle,
)
from diagnosis.models import FocusPoint, Membership, Unit

REVIEWERS_PER_DIMENSION = 2
SPREAD_THRESHOLD = Decimal(5)
GROUPS = ("大型", "中型", "小型")
COMMENTS = ("佐證資料完整，請持續辦理。", "宜補充辦理成果的量化數據。", "建議與鄰近分局交流作法。")
BUREAU_STAFF = "scale-bureau"


@dataclass(frozen=True)
class ScoringSummary:
    year: int
    precincts: int
    scores: int
    settlements: int


def bureau_staff(agency: Unit):
    """The bureau's 研考承辦 who runs the round (a STAFF membership at the agency)."""
    user, _ = get_user_model().objects.get_or_create(username=BUREAU_STAFF, defaults={"first_name": "規模測試局研考"})
    Membership.objects.get_or_create(user=user, unit=agency, role=Membership.Role.STAFF)
    return user


@transaction.atomic
def generate_scoring_round(*, agency: Unit, year: int, seed: int) -> ScoringSummary:
    """Figures and one published round over the plans of `year` below `agency` (deterministic by `seed`)."""
    rng = random.Random(seed)
    staff = bureau_staff(agency)
    plans = list(precinct_plans(agency, year))
    for plan in plans:
        plan_figures_refresh(plan)
    scoring_round = round_create(
        organization=agency,
        year=year,
        title=f"{year}年度各分局提升服務品質評分",
        spread_threshold=SPREAD_THRESHOLD,
        user=staff,
    )
    round_precincts_set(
        scoring_round=scoring_round, groups={p.pk: GROUPS[n % 3] for n, p in enumerate(plans)}, user=staff
    )
    sheets = defaultdict(list)  # (plan pk, dimension name) → its focus points in plan order
    for fp in (
        FocusPoint.objects.filter(item__dimension__plan__in=plans)
        .select_related("item__dimension")
        .order_by("item__dimension__plan_id", "item__dimension__position", "item__position", "position")
    ):
        sheets[fp.item.dimension.plan_id, fp.item.dimension.name].append(fp)
    dimensions = list(dict.fromkeys(name for _plan, name in sheets))
    User = get_user_model()
    reviewers = {}  # dimension name → its reviewers with their lean
    for d, name in enumerate(dimensions):
        reviewers[name] = []
        for r in range(REVIEWERS_PER_DIMENSION):
            reviewer, _ = User.objects.get_or_create(
                username=f"scale-reviewer-{d * REVIEWERS_PER_DIMENSION + r + 1:02d}",
                defaults={"first_name": f"評審委員{d * REVIEWERS_PER_DIMENSION + r + 1}"},
            )
            assignment_add(scoring_round=scoring_round, reviewer=reviewer, dimension=name, user=staff)
            reviewers[name].append((reviewer, Decimal(rng.randint(-3, 3)) / 100))
    round_start(scoring_round=scoring_round, user=staff)
    scores = 0
    for plan in plans:
        level = Decimal(rng.randint(70, 92)) / 100
        for name in dimensions:
            focus_points = sheets[plan.pk, name]
            for reviewer, lean in reviewers[name]:
                rows = []
                for n, fp in enumerate(focus_points):
                    share = level + lean + Decimal(rng.randint(-2, 2)) / 100
                    if rng.random() < 0.01:  # about 2 % of the points: the reviewers see it differently,
                        share -= Decimal("0.3")  # the spread is flagged, then settled
                    points = (Decimal(fp.points or 0) * max(Decimal(0), min(Decimal(1), share))).quantize(
                        Decimal("0.1")
                    )
                    rows.append(SheetInput(fp, 0, points, COMMENTS[n % 3] if rng.random() < 0.2 else ""))
                scores += len(
                    sheet_save(scoring_round=scoring_round, plan=plan, reviewer=reviewer, rows=rows, submit=True)
                )
    by_pk = {fp.pk: fp for points in sheets.values() for fp in points}
    plan_of = {p.pk: p for p in plans}
    settlements = 0
    for (_round, plan_id, fp_pk), result in sorted(
        point_results([scoring_round.pk], {scoring_round.pk: scoring_round.spread_threshold}).items()
    ):
        if result.needs_settling:
            settle(
                scoring_round=scoring_round,
                plan=plan_of[plan_id],
                focus_point=by_pk[fp_pk],
                points=max(result.scores),
                reason="經評審會議討論，採較高分。",
                user=staff,
            )
            settlements += 1
    round_close(scoring_round=scoring_round, user=staff)
    round_publish(scoring_round=scoring_round, user=staff)
    return ScoringSummary(year, len(plans), scores, settlements)
