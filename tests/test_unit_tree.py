"""The unit tree keeps a materialised sort key, so units list in the tree's own order.

A unit, then its children by position (then pk), depth first — not by the text of the pk path,
where "/1/2/10/" (天母派出所) would come before "/1/2/3/" (秘書室)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from diagnosis.models import Unit
from diagnosis.unit_tree import unit_save

from .conftest import count_queries, unit

pytestmark = pytest.mark.django_db

SHILIN_IN_TREE_ORDER = [
    "tcpd-shilin",
    "shilin-secretariat",
    "shilin-administration",
    "shilin-inspection",
    "shilin-investigation",
    "shilin-command",
    "shilin-wenlin",
    "shilin-zhishanyan",
    "shilin-tianmu",
    "shilin-lanya",
    "shilin-shezi",
    "shilin-hougang",
    "shilin-shanzaihou",
    "shilin-yongfu",
    "shilin-cuishan",
    "shilin-xishan",
]


def codes_within(code: str) -> list[str]:
    return list(Unit.objects.within(unit(code)).in_tree_order().values_list("code", flat=True))


def test_it_lists_shilin_in_the_trees_order_not_by_the_text_of_the_pks():
    # The case the pk path got wrong: 天母派出所's pk has more digits than 秘書室's.
    assert len(str(unit("shilin-tianmu").pk)) > len(str(unit("shilin-secretariat").pk))
    assert unit("shilin-tianmu").path < unit("shilin-secretariat").path
    assert codes_within("tcpd-shilin") == SHILIN_IN_TREE_ORDER


def test_it_keys_each_level_by_position_then_pk():
    bureau, shilin, secretariat = unit("tcpd"), unit("tcpd-shilin"), unit("shilin-secretariat")
    assert secretariat.tree_order == (
        f"{bureau.position:05d}-{bureau.pk:010d}/{shilin.position:05d}-{shilin.pk:010d}/00001-{secretariat.pk:010d}/"
    )


def test_the_bureau_lists_a_precinct_with_its_whole_subtree_before_the_next_sibling():
    codes = codes_within("tcpd")
    assert codes[0] == "tcpd"
    assert codes[1 : 1 + len(SHILIN_IN_TREE_ORDER)] == SHILIN_IN_TREE_ORDER
    assert codes[1 + len(SHILIN_IN_TREE_ORDER)] == "tcpd-public-relations"


def test_it_reorders_when_a_position_changes_and_rewrites_the_subtrees_keys():
    tianmu = unit("shilin-tianmu")
    tianmu.position = 0
    unit_save(tianmu)
    assert codes_within("tcpd-shilin")[:3] == ["tcpd-shilin", "shilin-tianmu", "shilin-secretariat"]
    # A unit below 天母 follows it: its key starts with 天母's new key.
    box = unit_save(Unit(code="tianmu-box", name="天母崗哨", kind=Unit.Kind.OFFICE, parent=tianmu, position=1))
    tianmu.position = 99
    unit_save(tianmu)
    tianmu.refresh_from_db()
    box.refresh_from_db()
    assert tianmu.tree_order.endswith(f"00099-{tianmu.pk:010d}/")
    assert box.tree_order == f"{tianmu.tree_order}00001-{box.pk:010d}/"
    assert codes_within("tcpd-shilin")[-2:] == ["shilin-tianmu", "tianmu-box"]


def test_equal_positions_fall_back_to_the_pk():
    shilin = unit("tcpd-shilin")
    first = unit_save(Unit(code="shilin-a", name="甲組", kind=Unit.Kind.OFFICE, parent=shilin, position=3))
    second = unit_save(Unit(code="shilin-b", name="乙組", kind=Unit.Kind.OFFICE, parent=shilin, position=3))
    codes = codes_within("tcpd-shilin")
    assert codes.index("shilin-inspection") < codes.index(first.code) < codes.index(second.code) < codes.index("shilin-investigation")


def test_a_move_rewrites_the_subtrees_paths_and_keys():
    bureau, shilin, tianmu = unit("tcpd"), unit("tcpd-shilin"), unit("shilin-tianmu")
    north = unit_save(Unit(code="tcpd-north", name="北區", kind=Unit.Kind.OFFICE, parent=bureau, position=50))
    shilin.parent = north
    unit_save(shilin)
    tianmu.refresh_from_db()
    assert tianmu.path == f"{north.path}{shilin.pk}/{tianmu.pk}/"
    assert tianmu.tree_order == f"{north.tree_order}{shilin.position:05d}-{shilin.pk:010d}/00008-{tianmu.pk:010d}/"
    assert codes_within("tcpd-north") == ["tcpd-north", *SHILIN_IN_TREE_ORDER]
    # Every unit's key still matches its path level by level.
    for moved in Unit.objects.within(north):
        assert [int(part.split("-")[1]) for part in moved.tree_order.strip("/").split("/")] == moved.ancestor_ids()


def test_the_keys_length_is_the_units_depth_in_segments():
    """The plans' preference reads an organisation's depth as LENGTH(tree_order) (measures.access.preferred_plan):
    every level of the key is as long as the others, after a move, with a large position and a large pk too."""
    from django.db.models.functions import Length

    from diagnosis.models.units import TREE_ORDER_SEGMENT_LENGTH

    bureau = unit("tcpd")
    far = unit_save(Unit(code="tcpd-far", name="遠處", kind=Unit.Kind.OFFICE, parent=bureau, position=32767))
    deep = unit_save(Unit(pk=9_999_999_999, code="far-deep", name="深處", kind=Unit.Kind.OFFICE, parent=far, position=0))
    shilin = unit("tcpd-shilin")
    shilin.parent = far
    unit_save(shilin)
    rows = Unit.objects.annotate(key_length=Length("tree_order")).values_list("path", "key_length")
    assert {path.count("/") - 1 for path, _ in rows} >= {1, 2, 3, 4}  # the bureau, far, 士林分局, its 派出所
    for path, key_length in rows:
        assert key_length == TREE_ORDER_SEGMENT_LENGTH * (path.count("/") - 1), path
    assert Unit.objects.get(pk=deep.pk).tree_order.endswith("/00000-9999999999/")


def test_the_history_leaves_out_the_key_like_the_path():
    history_fields = {f.name for f in Unit.history.model._meta.fields}
    assert "path" not in history_fields and "tree_order" not in history_fields


def test_the_data_migration_fills_the_keys_unit_save_would_give():
    expected = dict(Unit.objects.values_list("pk", "tree_order"))
    assert all(expected.values())
    Unit.objects.update(tree_order="")
    migration = importlib.import_module("measures.migrations.0002_unit_tree_order")
    # the models as that migration saw them (Unit was measures' then), on the same table
    migration.fill_tree_order(MigrationExecutor(connection).loader.project_state(("measures", "0002_unit_tree_order")).apps, None)
    assert dict(Unit.objects.values_list("pk", "tree_order")) == expected


def test_a_unit_created_in_the_admin_gets_a_key_and_so_does_an_inline_child(client, user):
    client.force_login(user("admin"))
    shilin = unit("tcpd-shilin")
    response = client.post(
        reverse("admin:diagnosis_unit_add"),
        {
            "code": "shilin-planning",
            "name": "企劃組",
            "short_name": "",
            "kind": Unit.Kind.OFFICE,
            "parent": shilin.pk,
            "position": 1,  # beside 秘書室 (also 1): after it by pk, before 行政組 (2)
            "children-TOTAL_FORMS": "1",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
            "children-0-position": "1",
            "children-0-code": "planning-desk",
            "children-0-name": "企劃股",
            "children-0-short_name": "",
            "children-0-kind": Unit.Kind.OFFICE,
        },
    )
    assert response.status_code == 302, response.content.decode()
    planning, desk = unit("shilin-planning"), unit("planning-desk")
    assert planning.path == f"{shilin.path}{planning.pk}/"
    assert planning.tree_order == f"{shilin.tree_order}00001-{planning.pk:010d}/"
    assert desk.tree_order == f"{planning.tree_order}00001-{desk.pk:010d}/"
    codes = codes_within("tcpd-shilin")
    assert codes.index("shilin-secretariat") < codes.index("shilin-planning") < codes.index("planning-desk") < codes.index("shilin-administration")


def test_changing_a_position_in_the_admin_reorders(client, user):
    client.force_login(user("admin"))
    tianmu = unit("shilin-tianmu")
    response = client.post(
        reverse("admin:diagnosis_unit_change", args=[tianmu.pk]),
        {
            "code": tianmu.code,
            "name": tianmu.name,
            "short_name": "",
            "kind": tianmu.kind,
            "parent": tianmu.parent_id,
            "position": 0,
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert codes_within("tcpd-shilin")[:2] == ["tcpd-shilin", "shilin-tianmu"]


def test_the_official_name_reads_the_ancestors_in_the_same_queries_however_deep(plan_106):
    def name(code, *joined):
        return Unit.objects.select_related(*joined).get(code=code).official_name()

    def cost(code, *joined):
        return count_queries(lambda: name(code, *joined))

    def lookup(code, *joined):
        return count_queries(lambda: Unit.objects.select_related(*joined).get(code=code))

    assert name("shilin-tianmu") == "臺北市政府警察局士林分局天母派出所"  # 臺北市政府警察局 → 士林分局 → 天母派出所
    parent = unit("shilin-tianmu")
    for depth in range(10):
        parent = unit_save(Unit(code=f"deep-{depth}", name=f"第{depth}層", kind=Unit.Kind.OFFICE, parent=parent, position=1))
    assert name("deep-9").endswith("天母派出所第0層第1層第2層第3層第4層第5層第6層第7層第8層第9層")
    assert cost("deep-9") == cost("shilin-tianmu")
    # Ancestors already joined, or none (the root): nothing read beyond the unit itself; partly joined: as none joined.
    assert name("shilin-tianmu", "parent__parent") == "臺北市政府警察局士林分局天母派出所"
    assert cost("shilin-tianmu", "parent__parent") == lookup("shilin-tianmu", "parent__parent")
    assert name("tcpd") == "臺北市政府警察局" and cost("tcpd") == lookup("tcpd")
    assert name("shilin-tianmu", "parent") == "臺北市政府警察局士林分局天母派出所"
    assert cost("shilin-tianmu", "parent") - lookup("shilin-tianmu", "parent") == cost("shilin-tianmu") - lookup("shilin-tianmu")


def test_the_official_name_follows_the_parents_when_a_path_is_out_of_step(plan_106):
    tianmu = Unit.objects.get(code="shilin-tianmu")
    Unit.objects.filter(pk=tianmu.pk).update(path=f"/{tianmu.pk}/")  # as if written around the services
    assert Unit.objects.get(pk=tianmu.pk).official_name() == "臺北市政府警察局士林分局天母派出所"
