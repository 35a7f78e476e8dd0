"""Helpers the 評分回合 tests share: a round of the bureau over 士林分局's 106 plan and a copy of it for 大同分局,
bureau staff and viewer, two reviewers, and a sheet filled through the service."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from assessments.models import ScoringRound
from assessments.plan_copy import plan_copy
from assessments.scoring_sheet import SheetInput, sheet_focus_points, sheet_save
from assessments.scoring_writes import assignment_add, round_create, round_precincts_set, round_start
from diagnosis.models import Dimension, Membership, Plan, Unit
from diagnosis.unit_tree import unit_save

from .diagnosis_fixtures import allot_evenly


@dataclass
class Scene:
    round: ScoringRound
    shilin: Plan
    other: Plan  # 大同分局's plan, copied from 士林's
    staff: object  # 研考承辦 of the bureau
    viewer: object  # 檢視者 of the bureau
    reviewer1: object  # 構面 1 and 2
    reviewer2: object  # 構面 1
    other_staff: object  # 研考承辦 of 大同分局
    dimensions: list[str]


def person(username: str, unit: Unit | None = None, role: str | None = None):
    user = get_user_model().objects.create_user(username, password="x-unused-9", first_name=username)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def precinct(code: str, name: str, source: Plan) -> Plan:
    bureau = Unit.objects.get(code="tcpd")
    unit = unit_save(Unit(code=code, name=name, kind=Unit.Kind.PRECINCT, parent=bureau))
    return plan_copy(source=source, year=source.year, organization=unit).plan


def scene(plan_106, secretariat, threshold=Decimal(3), start=True) -> Scene:
    allot_evenly(plan_106, secretariat)
    bureau = Unit.objects.get(code="tcpd")
    other = precinct("tcpd-datong", "大同分局", plan_106)
    staff = person("bureau-staff", bureau, Membership.Role.STAFF)
    viewer = person("bureau-view", bureau, Membership.Role.VIEWER)
    reviewer1, reviewer2 = person("rev1"), person("rev2")
    other_staff = person("datong-staff", other.organization, Membership.Role.STAFF)
    scoring_round = round_create(
        organization=bureau, year=106, title="106年度服務品質評分", spread_threshold=threshold, user=staff
    )
    round_precincts_set(scoring_round=scoring_round, groups={plan_106.pk: "大型", other.pk: "小型"}, user=staff)
    dimensions = list(Dimension.objects.filter(plan=plan_106).order_by("position").values_list("name", flat=True))
    assignment_add(scoring_round=scoring_round, reviewer=reviewer1, dimension=dimensions[0], user=staff)
    assignment_add(scoring_round=scoring_round, reviewer=reviewer2, dimension=dimensions[0], user=staff)
    assignment_add(scoring_round=scoring_round, reviewer=reviewer1, dimension=dimensions[1], user=staff)
    if start:
        round_start(scoring_round=scoring_round, user=staff)
        scoring_round.refresh_from_db()
    return Scene(scoring_round, plan_106, other, staff, viewer, reviewer1, reviewer2, other_staff, dimensions)


def dimension(plan: Plan, position: int = 1) -> Dimension:
    return Dimension.objects.get(plan=plan, position=position)


def fill_sheet(s: Scene, reviewer, plan: Plan, position: int = 1, points=lambda fp: fp.points, submit=True):
    """The reviewer's sheet of `plan`'s dimension at `position`, every focus point given `points(fp)`."""
    rows = [
        SheetInput(fp, 0, Decimal(points(fp)), f"評語：{fp.name}")
        for fp in sheet_focus_points(dimension(plan, position))
    ]
    return sheet_save(scoring_round=s.round, plan=plan, reviewer=reviewer, rows=rows, submit=submit)
