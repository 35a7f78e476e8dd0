"""Make a set of keyed rows match the values a form asked for, one history entry per real change."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models


def sync_rows(
    *,
    existing: Mapping[Any, models.Model],
    wanted: Mapping[Any, Any],
    build: Callable[[Any, Any], models.Model],
    field: str,
    user,
) -> None:
    """For each key of `wanted`: None deletes its row, a new value creates one (`build(key, value)`),
    a changed value updates `field`; an unchanged value writes nothing."""
    for key, value in wanted.items():
        current = existing.get(key)
        if value is None:
            if current is not None:
                current._history_user = user
                current.delete()
        elif current is None:
            row = build(key, value)
            row._history_user = user
            row.full_clean()
            row.save()
        elif getattr(current, field) != value:
            setattr(current, field, value)
            current._history_user = user
            current.save(update_fields=[field])
