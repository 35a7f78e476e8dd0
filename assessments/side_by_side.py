"""各機關進度比較, what the page reads: who sees it (研考承辦 and 檢視者 of a unit with organisations below it that
have plans; others 404), each plan's stored figures (one query, sorted in SQL) and which of them are stale (one
more query, `figure_activity.stale_plans`)."""

from dataclasses import dataclass

from django.db.models import F
from django.http import Http404

from diagnosis.access import memberships_of, roles_above
from diagnosis.models import Membership, Plan

from .figure_activity import stale_plans

# ?sort= → the columns it orders by (a leading "-" in the request reverses it); ties in the tree's order.
SORTS = {
    "org": "organization__tree_order",
    "done": "figures__done",
    "in_progress": "figures__in_progress",
    "not_started": "figures__not_started",
    "report_due": "figures__report_due",
    "lagging": "figures__lagging",
    "overdue": "figures__overdue",
    "late": "figures__late_reports",
    "follow_ups": "figures__open_follow_ups",
    "submission": "figures__submission_state",
    "submitted_at": "figures__submitted_at",
    "diagnosis": "figures__diagnosis_total",
    "as_of": "figures__computed_at",
}


@dataclass(frozen=True)
class SideBySide:
    year: int
    plans: list[Plan]  # each with `.organization` and `.figure_row` (its PlanFigures or None)
    stale_ids: list[int]  # plans whose figures are missing, of another day, or older than the plan's latest activity
    can_refresh: bool  # 研考承辦 above them (not 檢視者)
    sort: str


def side_by_side_plans(user, year: int):
    """The plans of `year` below a unit where the user is 研考承辦 or 檢視者 (`PlanQuerySet.read_from_above`, the
    same rule as the bureau's list of submissions); every plan of the year for a superuser."""
    return Plan.objects.filter(year=year).read_from_above(user)


def can_refresh(user, plans) -> bool:
    """Bureau staff (研考承辦 of a unit above one of these plans, `roles_above`) may ask for a recalculation;
    檢視者 may not."""
    if user.is_superuser:
        return True
    memberships = memberships_of(user)
    return any(m.role == Membership.Role.STAFF for plan in plans for m in roles_above(memberships, plan.organization))


def side_by_side(user, year: int, sort: str = "") -> SideBySide:
    """The page's rows; 404 when the user has no plan below them this year. Three queries (the memberships, the
    plans with their figures and organisations, the activity since), four with the staff check."""
    if not user.is_authenticated:
        raise Http404("找不到此頁。")
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "org", "org"
    column = F(SORTS[key])
    order = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    plans = list(
        side_by_side_plans(user, year)
        .select_related("organization", "figures")
        .order_by(order, "organization__tree_order")
    )
    if not plans:
        raise Http404("找不到此頁。")
    for plan in plans:
        plan.figure_row = getattr(plan, "figures", None)  # None when the plan has no row yet
    return SideBySide(year, plans, stale_plans(plans), can_refresh(user, plans), sort)
