"""One row by its key, for the access helpers that 404 when it is missing."""

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row `queryset` picks by a unique key (a primary key, a code, one plan of an organisation and year), or
    None. Read as `QuerySet.get()` reads it, with no ORDER BY: `.first()` sorts by the model's ordering, through
    joins for some models, to pick one row of one, and building that ordering made Django hash every selected
    column (0.1–0.2 ms of Python a lookup). A key that is not unique is a bug, and raises MultipleObjectsReturned."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        return None
