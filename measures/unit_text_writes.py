"""Service function: bring the printed 承辦單位 text of a plan's measures to the form the portal writes now
(「、」 between unit names, 主辦 before 協辦, 各單位 last), for plans loaded or imported before it did."""

from dataclasses import dataclass, field

from django.db import transaction

from diagnosis.models import Plan

from .models import Measure
from .unit_names import UnitNameError, UnitNameIndex


@dataclass
class NormalizedTexts:
    changed: list[tuple[Measure, str, str]] = field(default_factory=list)  # (measure, text before, text after)
    unreadable: list[tuple[Measure, str]] = field(default_factory=list)  # (measure, why), left as they were


@transaction.atomic
def responsible_texts_normalize(*, plan: Plan, user=None, dry_run: bool = False) -> NormalizedTexts:
    """Read each measure's 承辦單位 text as an import reads it and write it back as the portal writes it; one
    history entry per changed measure. A text naming no unit of the plan's agency is left as it is and reported."""
    index = UnitNameIndex(plan)
    result = NormalizedTexts()
    for measure in Measure.objects.filter(plan=plan).exclude(responsible_text="").order_by("pk"):
        try:
            text = index.parse(measure.responsible_text, measure.source).text
        except UnitNameError as error:
            result.unreadable.append((measure, str(error)))
            continue
        if text and text != measure.responsible_text:
            result.changed.append((measure, measure.responsible_text, text))
            if not dry_run:
                measure.responsible_text = text
                measure._history_user = user
                measure.save(update_fields=["responsible_text"])
    return result
