"""Plan.objects.readable_by: the plans each kind of user reads, and the navigation's, the organisation's and the
plan tree's other plans among them (diagnosis.access), give what the access rules (DESIGN.md), applied
here in Python plan by plan, give."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from diagnosis.access import OTHER_PLANS_SHOWN, newest_plan_for_user, other_plans, plan_of_organization
from diagnosis.models import Membership, Plan, Unit
from diagnosis.unit_tree import unit_save

from .conftest import count_queries

pytestmark = pytest.mark.django_db


def _reads(user, plan: Plan) -> bool:
    """The rule, plan by plan: a superuser reads all; anyone else their own chain's plans, and as 研考承辦 or
    檢視者 of a unit every plan at or below it."""
    if user.is_superuser:
        return True
    return any(
        plan.organization_id in m.unit.ancestor_ids()
        or (m.role in (Membership.Role.STAFF, Membership.Role.VIEWER) and plan.organization.path.startswith(m.unit.path))
        for m in Membership.objects.filter(user=user).select_related("unit")
    )


def _expected_newest(user) -> Plan | None:
    """Of the newest year the user reads, their own chain's deepest organisation's plan; else the one nearest the
    root, the first in the tree's order."""
    readable = [p for p in Plan.objects.select_related("organization") if _reads(user, p)]
    if not readable:
        return None
    own = {i for m in Membership.objects.filter(user=user).select_related("unit") for i in m.unit.ancestor_ids()}
    newest = max(p.year for p in readable)

    def preference(p):
        depth = len(p.organization.tree_order)
        mine = p.organization_id in own
        return (not mine, -depth if mine else depth, p.organization.tree_order)

    return min((p for p in readable if p.year == newest), key=preference)


@pytest.fixture
def people(user, plan_106):
    """Every kind of user, over plans of three years of the bureau, two precincts and a station."""
    bureau, shilin = Unit.objects.get(code="tcpd"), Unit.objects.get(code="tcpd-shilin")
    beitou = unit_save(Unit(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.PRECINCT, parent=bureau, position=0))
    station = unit_save(Unit(code="beitou-xinbeitou", name="新北投派出所", kind=Unit.Kind.STATION, parent=beitou))
    for unit, year in ((bureau, 106), (beitou, 106), (beitou, 107), (bureau, 107), (station, 107), (shilin, 105)):
        Plan.objects.create(organization=unit, year=year, title=f"{unit.name}{year}", start_date=date(year + 1911, 1, 1),
                            end_date=date(year + 1911, 12, 31))
    User = get_user_model()

    def person(name, *roles, superuser=False):
        someone = User.objects.create_user(name, is_superuser=superuser)
        for unit, role in roles:
            Membership.objects.create(user=someone, unit=unit, role=role)
        return someone

    return [
        user("secretariat"), user("viewer"), user("tianmu"), user("investigation"), user("admin"),
        person("national", superuser=True),
        person("national-in-beitou", (beitou, Membership.Role.HEAD), superuser=True),
        person("bureau-staff", (bureau, Membership.Role.STAFF)),
        person("beitou-viewer", (beitou, Membership.Role.VIEWER)),
        person("station-head", (station, Membership.Role.HEAD)),
        person("two-hats", (station, Membership.Role.HEAD), (shilin, Membership.Role.STAFF), (beitou, Membership.Role.HEAD)),
        person("no-role"),
    ]


def test_each_user_reads_the_plans_the_rules_give(people):
    for person in people:
        expected = {p.pk for p in Plan.objects.select_related("organization") if _reads(person, p)}
        assert set(Plan.objects.readable_by(person).values_list("pk", flat=True)) == expected, person.username


def _fresh(user):
    """The user as a new request has them: nothing remembered on the object."""
    return get_user_model().objects.get(pk=user.pk)


def test_each_user_is_taken_to_the_plan_the_rules_give(people):
    for _ in range(1):
        for person in people:
            assert newest_plan_for_user(_fresh(person)) == _expected_newest(person), person.username


def test_each_user_reads_an_organisations_plan_only_where_the_rules_let_them(people):
    for _ in range(2):
        for person in people:
            for plan in Plan.objects.select_related("organization"):
                found = plan_of_organization(_fresh(person), year=plan.year, code=plan.organization.code)
                assert found == ([plan] if _reads(person, plan) else []), (person.username, str(plan))
            assert plan_of_organization(_fresh(person), year=106, code="nowhere") == []


def test_the_plan_tree_links_the_newest_other_plans_the_user_reads(people, plan_106):
    for person in people:
        readable = sorted(
            (p for p in Plan.objects.select_related("organization") if _reads(person, p) and p != plan_106),
            key=lambda p: (-p.year, p.organization.tree_order),
        )
        expected = [(p.year, p.organization.code, p.organization.name) for p in readable][:OTHER_PLANS_SHOWN]
        for _ in range(2):
            assert other_plans(_fresh(person), plan_id=plan_106.pk) == expected, person.username


def test_the_reads_come_with_what_the_pages_use_and_cost_the_same_queries_with_ten_times_the_plans(people):
    two_hats = next(p for p in people if p.username == "two-hats")

    def read():
        return newest_plan_for_user(_fresh(two_hats))

    # the navigation titles the plan with the organisation's official name: no read of its own
    before = count_queries(read)
    assert count_queries(lambda: read().organization.parent.name) == before
    for unit in Unit.objects.filter(plans__isnull=False).distinct():
        for year in range(88, 105):
            Plan.objects.create(organization=unit, year=year, title=f"{unit.name}{year}", start_date=date(year + 1911, 1, 1),
                                end_date=date(year + 1911, 12, 31))
    assert Plan.objects.count() >= 10 * 7
    assert count_queries(lambda: read().organization.parent.name) == before
    assert read() == _expected_newest(two_hats)


def test_an_anonymous_visitor_reads_no_plan():
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    assert newest_plan_for_user(visitor) is None and other_plans(visitor, plan_id=1) == []
    assert list(Plan.objects.readable_by(visitor)) == []
    assert plan_of_organization(visitor, year=106, code="tcpd-shilin") == []
