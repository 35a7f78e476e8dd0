"""Loading the unit tree from `fixtures/units.yaml`."""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_save(unit: Unit) -> Unit:
    """Save `unit` and keep the materialised paths of it and everything below it right.

    The path holds primary keys, so renaming or re-coding a unit changes nothing below it;
    moving it under another parent rewrites its subtree in one pass."""
    old_path = unit.path
    if unit.parent_id is not None and unit.parent is not None and unit.parent.is_within(unit) and unit.pk:
        raise ValueError(f"「{unit.name}」不能移到自己的下級單位之下。")
    unit.save()
    parent_path = unit.parent.path if unit.parent_id else "/"
    new_path = f"{parent_path}{unit.pk}/"
    if new_path != old_path:
        Unit.objects.filter(pk=unit.pk).update(path=new_path)
        unit.path = new_path
        if old_path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path):])
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
