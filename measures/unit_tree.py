"""Loading the unit tree from `fixtures/units.yaml`."""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_tree_load(*, path: Path) -> int:
    """Create every unit of the file that does not exist yet (matched by code); return how many.

    Existing units are left as they are, so an administrator's later edits survive a second run."""
    created = 0

    def walk(nodes: list[dict], parent: Unit | None) -> None:
        nonlocal created
        for position, node in enumerate(nodes, start=1):
            unit, was_created = Unit.objects.get_or_create(
                code=node["code"],
                defaults={
                    "name": node["name"],
                    "short_name": node.get("short_name", ""),
                    "kind": node["kind"],
                    "parent": parent,
                    "position": position,
                },
            )
            created += was_created
            walk(node.get("children", []), unit)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), None)
    return created
