"""The access rules, table-driven: who sees which plan, edits it, and whose reports."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from diagnosis.access import plan_access, plans_for_user
from diagnosis.models import Membership, Unit
from measures.access import sees_report, units_carrying
from measures.models import Measure, ProgressReport

from .conftest import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "visible", "can_edit", "reads_all", "head_units"),
    [
        ("secretariat", True, True, True, []),
        ("viewer", True, False, True, []),
        ("tianmu", True, False, False, ["天母派出所"]),
        ("investigation", True, False, False, ["偵查隊"]),
        ("admin", True, True, True, []),
    ],
)
def test_it_gives_each_role_its_rights_on_the_plan(user, plan_106, username, visible, can_edit, reads_all, head_units):
    access = plan_access(user(username), plan_106)
    assert (access is not None) == visible
    assert access.can_edit == can_edit
    assert access.reads_all == reads_all
    assert [u.name for u in access.head_units] == head_units


def test_it_shows_an_outsider_and_a_stranger_nothing(outsider, plan_106):
    assert plan_access(outsider, plan_106) is None
    assert plan_access(AnonymousUser(), plan_106) is None
    assert not plans_for_user(outsider).exists()
    assert not plans_for_user(AnonymousUser()).exists()


def test_bureau_staff_read_the_precincts_plan_and_do_not_edit_it(user, plan_106):
    from django.contrib.auth import get_user_model

    from diagnosis.models import Membership

    bureau_staff = get_user_model().objects.create_user("bureau-staff")
    Membership.objects.create(user=bureau_staff, unit=Unit.objects.get(code="tcpd"), role=Membership.Role.STAFF)
    access = plan_access(bureau_staff, plan_106)
    assert access.reads_all and not access.can_edit
    assert list(plans_for_user(bureau_staff)) == [plan_106]


def test_a_head_carries_the_measures_of_their_unit(user, plan_106):
    tianmu = plan_access(user("tianmu"), plan_106)
    investigation = plan_access(user("investigation"), plan_106)
    measures = {m.name: m for m in plan_106.measures.filter(source=Measure.Source.FORM2).prefetch_related("lead_units", "support_units")}
    active = measures["主動服務"]  # 秘書室偵查隊各單位
    assert [u.name for u in units_carrying(investigation, active)] == ["偵查隊"]
    assert [u.name for u in units_carrying(tianmu, active)] == ["天母派出所"]  # 各單位
    nothing = measures["無"]
    assert units_carrying(tianmu, nothing) == [] and units_carrying(investigation, nothing) == []
    # 附表1's 各分局、大隊、隊 falls to the precinct as a whole, not to each of its stations.
    form1 = plan_106.measures.prefetch_related("lead_units", "support_units").get(source="form1", name="服務及時性")
    assert units_carrying(tianmu, form1) == []
    shilin = Unit.objects.get(code="tcpd-shilin")
    assert form1.is_carried_by(shilin, plan_106.organization_id)
    # …which 研考承辦 report for, as they do for a measure with no unit at all; a viewer reports for nobody.
    staff = plan_access(user("secretariat"), plan_106)
    assert staff.reporting_units == (shilin,) and units_carrying(staff, form1) == [shilin]
    assert units_carrying(staff, nothing) == [shilin] and units_carrying(staff, active) == []
    assert plan_access(user("viewer"), plan_106).reporting_units == ()


def test_staff_see_sent_reports_but_not_drafts(user, plan_106):
    staff = plan_access(user("secretariat"), plan_106)
    head = plan_access(user("tianmu"), plan_106)
    other_head = plan_access(user("investigation"), plan_106)
    tianmu_unit = Unit.objects.get(code="shilin-tianmu")
    draft = ProgressReport(unit=tianmu_unit, status=ProgressReport.Status.DRAFT)
    sent = ProgressReport(unit=tianmu_unit, status=ProgressReport.Status.SUBMITTED)
    assert (sees_report(staff, draft), sees_report(staff, sent)) == (False, True)
    assert (sees_report(head, draft), sees_report(head, sent)) == (True, True)
    assert (sees_report(other_head, draft), sees_report(other_head, sent)) == (False, False)


def test_unit_paths_follow_the_tree(db):
    tianmu = Unit.objects.get(code="shilin-tianmu")
    shilin = Unit.objects.get(code="tcpd-shilin")
    bureau = Unit.objects.get(code="tcpd")
    assert tianmu.ancestor_ids() == [bureau.pk, shilin.pk, tianmu.pk]
    assert tianmu.is_within(shilin) and tianmu.is_within(bureau) and not shilin.is_within(tianmu)
    assert set(Unit.objects.within(shilin).values_list("code", flat=True)) >= {"shilin-tianmu", "shilin-secretariat"}
    assert not Unit.objects.within(shilin).filter(code="tcpd-traffic").exists()


def test_moving_a_unit_rewrites_its_subtree(db):
    from diagnosis.unit_tree import unit_save

    shilin = Unit.objects.get(code="tcpd-shilin")
    new_parent = unit_save(Unit(code="tcpd-north", name="北區", kind=Unit.Kind.OFFICE, parent=Unit.objects.get(code="tcpd")))
    shilin.parent = new_parent
    unit_save(shilin)
    tianmu = Unit.objects.get(code="shilin-tianmu")
    assert tianmu.path == f"{new_parent.path}{shilin.pk}/{tianmu.pk}/"
    with pytest.raises(ValueError, match="不能移到自己的下級單位之下"):
        new_parent.parent = tianmu
        unit_save(new_parent)


def test_each_user_lands_on_their_own_organisations_plan(client, user, plan_106):
    """With the bureau's own 106 plan beside the precinct's, precinct people keep theirs; bureau staff get the bureau's."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from diagnosis.models import Membership, Plan

    bureau = Unit.objects.get(code="tcpd")
    bureau_plan = Plan.objects.create(
        organization=bureau, year=106, title="臺北市政府警察局 106 年度提升服務品質執行計畫",
        start_date=date(2017, 1, 1), end_date=date(2017, 12, 31),
    )
    for username in ["secretariat", "viewer", "tianmu"]:
        client.force_login(user(username))
        assert client.get("/plans/106/").context["plan"] == plan_106, username
    bureau_staff = get_user_model().objects.create_user("bureau-staff")
    Membership.objects.create(user=bureau_staff, unit=bureau, role=Membership.Role.STAFF)
    client.force_login(bureau_staff)
    assert client.get("/plans/106/").context["plan"] == bureau_plan
    assert client.get("/plans/106/?org=tcpd-shilin").context["plan"] == plan_106
    assert "臺北市政府警察局 106 年度提升服務品質執行計畫" in client.get("/").content.decode()


def test_the_preferred_plan_is_the_newest_then_the_own_deepest_then_the_first_nearest_the_root(user):
    """preferred_plan decides in one read, however many plans there are: the newest year first; then the deepest organisation of the
    user's own chain; failing that, the organisation nearest the root, the first of those in the tree."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from diagnosis.access import preferred_plan
    from diagnosis.models import Membership, Plan
    from diagnosis.unit_tree import unit_save

    bureau = Unit.objects.get(code="tcpd")
    shilin = Unit.objects.get(code="tcpd-shilin")
    # Created out of tree order: a higher pk with a lower position (and a path that sorts first as text).
    beitou = unit_save(Unit(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.AGENCY, parent=bureau, position=0))
    shilin.position = 5
    unit_save(shilin)
    order = list(Unit.objects.filter(parent=bureau).in_tree_order().values_list("code", flat=True))
    assert order.index("tcpd-beitou") < order.index("tcpd-shilin") and beitou.pk > shilin.pk

    def plan(unit, year):
        return Plan.objects.create(organization=unit, year=year, title=f"{unit.name}{year}",
                                   start_date=date(year + 1911, 1, 1), end_date=date(year + 1911, 12, 31))

    plans = {(u.code, y): plan(u, y) for u in (bureau, shilin, beitou) for y in (107,)}
    national = get_user_model().objects.create_superuser("national", password="x")  # noqa: S106
    bureau_staff = get_user_model().objects.create_user("bureau-staff-2")
    Membership.objects.create(user=bureau_staff, unit=bureau, role=Membership.Role.STAFF)
    tianmu_head = user("tianmu")
    for who, expected in ((national, ("tcpd", 107)), (bureau_staff, ("tcpd", 107)), (tianmu_head, ("tcpd-shilin", 107))):
        assert preferred_plan(who, plans_for_user(who)) == plans[expected], who.username
    plans[("tcpd", 107)].delete()
    # No own plan: nearest the root, then the tree's order (北投 is placed before 士林).
    assert preferred_plan(national, plans_for_user(national)) == plans[("tcpd-beitou", 107)]
    assert preferred_plan(bureau_staff, plans_for_user(bureau_staff)) == plans[("tcpd-beitou", 107)]
    # A newer year wins over the user's own organisation.
    newer = plan(beitou, 108)
    assert preferred_plan(tianmu_head, Plan.objects.all()) == newer
    before = count_queries(lambda: preferred_plan(national, Plan.objects.all()))
    for year in range(96, 106):  # ten times the plans, older
        for unit in (bureau, beitou):
            plan(unit, year)
    assert count_queries(lambda: preferred_plan(national, Plan.objects.all())) == before
    assert preferred_plan(national, Plan.objects.all()) == newer


def test_a_page_of_the_newest_year_takes_the_plan_the_navigation_reads(user, plan_106):
    """get_plan_for_user starts from the newest plan, which every page's navigation reads anyway: of that
    year, with no organisation or with its own, no further query; another organisation's plan, or another
    year's, is read by its own query, still scoped to what the user may see."""
    from datetime import date

    from django.http import Http404

    from diagnosis.access import get_plan_for_user, newest_plan_for_user
    from diagnosis.models import Plan

    bureau_plan = Plan.objects.create(
        organization=Unit.objects.get(code="tcpd"), year=106, title="臺北市政府警察局 106 年度",
        start_date=date(2017, 1, 1), end_date=date(2017, 12, 31),
    )
    staff = user("secretariat")
    assert newest_plan_for_user(staff) == plan_106
    assert get_plan_for_user(staff, 106).plan == plan_106
    assert get_plan_for_user(staff, 106, "tcpd-shilin").plan == plan_106
    assert get_plan_for_user(staff, 106, "tcpd").plan == bureau_plan
    with pytest.raises(Http404):
        get_plan_for_user(staff, 105)

    def missing():
        with pytest.raises(Http404):
            get_plan_for_user(staff, 105)

    calls = (
        lambda: get_plan_for_user(staff, 106), lambda: get_plan_for_user(staff, 106, "tcpd-shilin"),
        lambda: get_plan_for_user(staff, 106, "tcpd"), missing,
    )
    # Of the newest year: the navigation's reads (the newest plan) and the rights on it, nothing more.
    navigation = count_queries(lambda: plan_access(staff, newest_plan_for_user(staff)))
    assert count_queries(calls[0]) == count_queries(calls[1]) == navigation
    before = [count_queries(call) for call in calls]
    for year in range(95, 105):  # ten times the plans, older, of both organisations
        for unit in (plan_106.organization, bureau_plan.organization):
            Plan.objects.create(organization=unit, year=year, title=f"{unit.name} {year}",
                                start_date=date(year + 1911, 1, 1), end_date=date(year + 1911, 12, 31))
    assert [count_queries(call) for call in calls] == before

    # An outsider: the bureau's own 秘書室 head sees the bureau's plan, not 士林's, though the year is the newest.
    outsider = get_user_model().objects.create_user("bureau-head")
    Membership.objects.create(user=outsider, unit=Unit.objects.get(code="tcpd-secretariat"), role=Membership.Role.HEAD)
    assert get_plan_for_user(outsider, 106).plan == bureau_plan
    with pytest.raises(Http404):
        get_plan_for_user(outsider, 106, "tcpd-shilin")


def test_the_plan_tree_reads_whole_plans_as_often_with_ten_times_the_other_plans(client, user, plan_106):
    """The page's plan and the navigation's, nothing per other plan (the page lists other plans' names by one
    query of names)."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diagnosis.models import Plan

    client.force_login(user("secretariat"))

    def plan_reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/plans/106/").status_code == 200
        return sum('"diagnosis_plan"."basis"' in q["sql"] for q in queries.captured_queries)

    before = plan_reads()
    for year in range(95, 105):
        for code in ("tcpd", "tcpd-shilin"):
            Plan.objects.create(organization=Unit.objects.get(code=code), year=year, title=f"{code} {year}",
                                start_date=date(year + 1911, 1, 1), end_date=date(year + 1911, 12, 31))
    assert plan_reads() == before


def test_a_users_roles_are_in_the_units_order_then_the_roles(user):
    """memberships_of (Membership.objects.of_user) gives them by unit position, unit, role."""
    from diagnosis.access import memberships_of

    someone = get_user_model().objects.create_user("two-roles")
    tianmu, secretariat = Unit.objects.get(code="shilin-tianmu"), Unit.objects.get(code="shilin-secretariat")
    assert secretariat.position < tianmu.position
    for unit, role in ((tianmu, Membership.Role.HEAD), (secretariat, Membership.Role.VIEWER), (secretariat, Membership.Role.STAFF)):
        Membership.objects.create(user=someone, unit=unit, role=role)
    expected = list(Membership.objects.filter(user=someone).select_related("unit"))  # the model's ordering, in SQL
    assert memberships_of(someone) == expected
    assert [(m.unit.code, m.role) for m in expected] == [
        ("shilin-secretariat", "staff"), ("shilin-secretariat", "viewer"), ("shilin-tianmu", "head"),
    ]


def test_a_unit_page_shows_the_newest_plan_of_the_deepest_organisation_above_the_unit(user, plan_106):
    """unit_plan_for: for the head of that one unit, the navigation's plan (no query of its own); it is the
    plan every other reader of the page gets by its own query, also after a newer or a deeper plan appears."""
    from datetime import date

    from diagnosis.access import unit_plan_for
    from diagnosis.models import Plan

    tianmu = Unit.objects.get(code="shilin-tianmu")

    def plan(code, year):
        return Plan.objects.create(organization=Unit.objects.get(code=code), year=year, title=f"{code} {year}",
                                   start_date=date(year + 1911, 1, 1), end_date=date(year + 1911, 12, 31))

    steps = [
        lambda: plan_106,
        lambda: plan("tcpd", 107),  # newer, though higher up
        lambda: plan("tcpd-shilin", 107),  # as new, and deeper
        lambda: plan("shilin-tianmu", 107),  # the unit's own
    ]
    readers = [user(name) for name in ("tianmu", "secretariat", "viewer", "investigation", "admin")]
    costs = []
    for make in steps:
        wanted = make()
        for reader in readers:
            assert unit_plan_for(reader, tianmu) == wanted, reader.username
        costs.append([count_queries(lambda: unit_plan_for(reader, tianmu)) for reader in readers])  # noqa: B023
    assert all(cost == costs[0] for cost in costs)  # the same with one plan as with four
