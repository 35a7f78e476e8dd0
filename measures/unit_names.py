"""Reading 承辦單位 as the plan's tables write it: 「秘書室各單位」, 「行政組 秘書室各單位」,
「秘書室偵查隊各單位」 (names run together), 「各分局、大隊、隊 公關室 外事科」 (附表1).

Names are matched against the units of the plan's agency, longest first, so joined names split where the
units are; a name two units share (the bureau's 秘書室 and the precinct's) resolves to the one inside the
plan's organisation for 附表2 and to the bureau's for 附表1. What was read is kept the way
`compose_responsible_text` writes an edited measure's units: 「秘書室、偵查隊、各單位」.

Only units inside the plan's organisation become 主辦/協辦 (measures.plan_units): the bureau's 公關室 or 交通大隊
named by 附表1 stay in the printed text and are linked to nobody."""

import re
from dataclasses import dataclass, field

from diagnosis.models import Plan, Unit

from .forms.fields import units_for_plan
from .models import Measure
from .models.measures import compose_responsible_text
from .plan_units import only_inside

FORM1_ALL = "各分局、大隊、隊"
FORM2_ALL = "各單位"
TEXT_ONLY_TOKENS = {"各業務單位"}  # 附表1 names these; they are no single unit
EMPTY_TEXTS = {"", "無"}


class UnitNameError(ValueError):
    """A name that is no unit of the plan's agency; the message says which, in Chinese."""


@dataclass
class ParsedUnits:
    lead: list[Unit] = field(default_factory=list)  # inside the plan's organisation only, as are the 協辦
    support: list[Unit] = field(default_factory=list)
    all_units: bool = False
    text: str = ""  # the names as read, written the way compose_responsible_text writes them


class UnitNameIndex:
    """The units a plan may name, indexed by every name they go by (one query)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units_for_plan(plan):
            for name in {unit.name, unit.short_name} - {""}:
                self.by_name.setdefault(name, []).append(unit)
        self.names = sorted(self.by_name, key=len, reverse=True)

    def _pick(self, name: str, source: str) -> Unit:
        candidates = self.by_name[name]
        inside = [u for u in candidates if u.is_within(self.plan.organization)]
        outside = [u for u in candidates if not u.is_within(self.plan.organization)]
        preferred = (inside or outside) if source == Measure.Source.FORM2 else (outside or inside)
        return preferred[0]

    def parse(self, text: str, source: str) -> ParsedUnits:
        """Units named by `text`; the first is 主辦 and the rest 協辦 (附表2), or all are 主辦 (附表1).
        A name that is no single unit (各業務單位), or a unit outside the plan's organisation, stays in the text
        only (a 附表2 主辦 outside leaves its 協辦 as 協辦)."""
        text = (text or "").strip()
        result = ParsedUnits()
        if text in EMPTY_TEXTS:
            return result
        if text.startswith(FORM1_ALL):
            result.all_units, text = True, text[len(FORM1_ALL):]
        if text.endswith(FORM2_ALL) and not text.endswith("各業務單位"):
            result.all_units, text = True, text[: -len(FORM2_ALL)]
        units: list[Unit] = []
        names: list[str] = []
        for token in re.split(r"[\s、，,；;／/]+", text):
            while token:
                if token in TEXT_ONLY_TOKENS:
                    names.append(token)
                    break
                name = next((n for n in self.names if token.startswith(n)), None)
                if name is None:
                    raise UnitNameError(f"找不到單位「{token}」")
                unit = self._pick(name, source)
                if unit not in units:
                    units.append(unit)
                    names.append(name)
                token = token[len(name):]
        if source == Measure.Source.FORM1:
            result.lead = only_inside(self.plan, units)
        else:
            result.lead, result.support = only_inside(self.plan, units[:1]), only_inside(self.plan, units[1:])
        result.text = compose_responsible_text(source, names, [], result.all_units)
        return result
