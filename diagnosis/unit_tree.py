"""Loading the unit tree from `fixtures/units.yaml`."""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Unit
from .models.units import tree_order_segment


@transaction.atomic
def unit_save(unit: Unit) -> Unit:
    """Save `unit` and keep the materialised path and sort key of it and everything below it right.

    The path holds primary keys, so renaming or re-coding a unit changes nothing below it;
    moving it under another parent rewrites its subtree's paths and sort keys in one pass, and
    changing its position rewrites its subtree's sort keys (`tree_order`, each level position then pk)."""
    if unit.parent_id is not None and unit.parent is not None and unit.parent.is_within(unit) and unit.pk:
        raise ValueError(f"「{unit.name}」不能移到自己的下級單位之下。")
    # What the database holds now (the instance may carry stale values, e.g. an admin inline child
    # whose parent was saved a moment ago), and the parent's current path and key.
    stored = Unit.objects.filter(pk=unit.pk).values_list("path", "tree_order").first() if unit.pk else None
    old_path, old_key = stored or ("", "")
    parent_path, parent_key = "/", ""
    if unit.parent_id is not None:
        parent_path, parent_key = Unit.objects.filter(pk=unit.parent_id).values_list("path", "tree_order").get()
    unit.save()
    new_path = f"{parent_path}{unit.pk}/"
    new_key = f"{parent_key}{tree_order_segment(unit.position, unit.pk)}"
    if (new_path, new_key) != (unit.path, unit.tree_order):
        Unit.objects.filter(pk=unit.pk).update(path=new_path, tree_order=new_key)
        unit.path, unit.tree_order = new_path, new_key
    if old_path and (new_path, new_key) != (old_path, old_key):
        # Parents before children (by depth), each child's path and key built from its parent's new ones.
        paths, keys = {unit.pk: new_path}, {unit.pk: new_key}
        below = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).only("pk", "parent", "position", "path")
        for child in sorted(below, key=lambda u: u.path.count("/")):
            paths[child.pk] = f"{paths[child.parent_id]}{child.pk}/"
            keys[child.pk] = f"{keys[child.parent_id]}{tree_order_segment(child.position, child.pk)}"
            Unit.objects.filter(pk=child.pk).update(path=paths[child.pk], tree_order=keys[child.pk])
    return unit


@transaction.atomic
def unit_tree_load(*, path: Path) -> int:
    """Create every unit of the file that does not exist yet (matched by code); return how many.

    Existing units are left as they are, so an administrator's later edits survive a second run."""
    created = 0

    def walk(nodes: list[dict], parent: Unit | None) -> None:
        nonlocal created
        for position, node in enumerate(nodes, start=1):
            unit = Unit.objects.filter(code=node["code"]).first()
            if unit is None:
                unit = unit_save(
                    Unit(
                        code=node["code"],
                        name=node["name"],
                        short_name=node.get("short_name", ""),
                        kind=node["kind"],
                        parent=parent,
                        position=position,
                    )
                )
                created += 1
            walk(node.get("children", []), unit)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), None)
    return created
