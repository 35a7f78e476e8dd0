"""A plan's measures as the plan tree lists them, read as plain values: the tree shows a name, a source,
承辦單位 and a deadline per measure, and building a hundred Measure instances with their item, dimension,
focus point and units cost more than the rest of the page (the profile in README's 效能 section)."""

from datetime import datetime
from typing import NamedTuple

from django.urls import reverse

from diagnosis.models import Plan

from .models import Measure
from .models.measures import compose_responsible_text, linked_unit_names, plan_unit_names
from .status import deadline_label

TREE_COLUMNS = ("pk", "item_id", "focus_point_id", "source", "name", "ongoing", "deadline", "retired_at", "responsible_text", "all_units")


class TreeMeasure(NamedTuple):
    pk: int
    item_id: int
    focus_point_id: int | None
    name: str
    source_label: str  # 「附表1」 or 「附表2」
    units_display: str  # Measure.units_display()
    deadline_display: str  # Measure.deadline_display
    retired_at: datetime | None
    page_url: str
    move_url: str


def tree_measures(plan: Plan) -> list[TreeMeasure]:
    """Every measure of `plan` (retired ones too) by item, source and position: two queries (the measures,
    then their 主辦 and 協辦 unit names)."""
    lead, support = linked_unit_names(plan_unit_names(plan_id=plan.pk))
    labels = {value: str(label)[:3] for value, label in Measure.Source.choices}
    return [
        TreeMeasure(
            pk, item_id, focus_point_id, name, labels[source],
            responsible_text or compose_responsible_text(source, lead.get(pk, []), support.get(pk, []), all_units),
            deadline_label(deadline, ongoing, plan.end_date),
            retired_at,
            reverse("measures:measure", kwargs={"year": plan.year, "pk": pk}),
            reverse("measures:measure_move", kwargs={"year": plan.year, "pk": pk}),
        )
        for pk, item_id, focus_point_id, source, name, ongoing, deadline, retired_at, responsible_text, all_units
        in Measure.objects.for_tree(plan).values_list(*TREE_COLUMNS)
    ]
