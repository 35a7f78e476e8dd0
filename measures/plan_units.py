"""Which units a plan's measures may name as 主辦/協辦: the plan's organisation and the units below it.

附表1 prints the bureau's own 科、室、大隊 (「各分局、大隊、隊 公關室 外事科…」); in a precinct's plan nobody heads
them, so they stay in the printed 承辦單位 (`Measure.responsible_text`) and are never linked. Every writer of
the links (the measure form, the loader, the importers, the drafts, the admin) asks this module."""

from collections.abc import Iterable

from diagnosis.models import Plan, Unit

ROLE_LABELS = {"lead_units": "主辦單位", "support_units": "協辦單位"}


class UnitsOutsidePlan(ValueError):
    """A 主辦/協辦 unit outside the plan's organisation; the message says which, in Chinese."""


def units_inside(plan: Plan):
    """The plan's organisation and every unit below it, in tree order: the units its measures may name."""
    return Unit.objects.within(plan.organization).in_tree_order()


def is_inside(plan: Plan, unit: Unit) -> bool:
    return unit.is_within(plan.organization)


def only_inside(plan: Plan, units: Iterable[Unit]) -> list[Unit]:
    """`units` without those outside the plan's organisation, in the order given."""
    return [u for u in units if is_inside(plan, u)]


def outside_message(plan: Plan, units: Iterable[Unit], role: str) -> str:
    """「公關室、外事科不屬於士林分局，不能列為主辦單位。」 (`role` is lead_units or support_units)."""
    names = "、".join(u.name for u in units)
    return f"{names}不屬於{plan.organization.name}，不能列為{ROLE_LABELS[role]}。"


def require_inside(plan: Plan, *, lead_units: Iterable[Unit], support_units: Iterable[Unit]) -> None:
    """UnitsOutsidePlan when a 主辦 or 協辦 unit lies outside the plan's organisation."""
    for role, units in (("lead_units", lead_units), ("support_units", support_units)):
        outside = [u for u in units if not is_inside(plan, u)]
        if outside:
            raise UnitsOutsidePlan(outside_message(plan, outside, role))
