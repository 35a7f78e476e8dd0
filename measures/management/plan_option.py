"""The plan a management command's `--plan <year> [--org <code>]` names."""

from django.core.management.base import CommandError

from diagnosis.models import Plan


def plan_named(year: int, org: str | None) -> Plan:
    """The one plan of `year` (of the organisation `org` when given), its organisation joined; CommandError in
    Chinese when there is none, or several and no `--org`."""
    plans = Plan.objects.filter(year=year).select_related("organization")
    if org:
        plans = plans.filter(organization__code=org)
    found = list(plans[:2])
    if not found:
        raise CommandError(f"找不到 {year} 年度的計畫。")
    if len(found) > 1:
        raise CommandError(f"{year} 年度有多個機關的計畫，請以 --org 指定機關代碼。")
    return found[0]
