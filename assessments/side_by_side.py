"""各機關進度比較, what the page reads: who sees it (研考承辦 and 檢視者 of a unit with organisations below it that
have plans; others 404), each plan's stored figures (sorted in SQL, a page of 50 at a time) and which of the page's
plans are stale (one more query, `figure_activity.stale_plans`)."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F
from django.http import Http404

from diagnosis.access import memberships_of, roles_above
from diagnosis.models import Membership, Plan, Unit

from .figure_activity import stale_plans

PAGE_SIZE = 50

# ?sort= → the column it orders by (a leading "-" in the request reverses it, empty figures last); ties in the tree's
# order, then by plan, so that a page always holds the same organisations.
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
    plans: list[Plan]  # the page's (or, without a page, all), each with `.organization` and `.figure_row`
    stale_ids: list[int]  # of these plans, those whose figures are missing, of another day, or older than its activity
    can_refresh: bool  # 研考承辦 above them (not 檢視者)
    sort: str
    page: Page | None = None  # the page shown (its paginator counts every organisation); None for the export


def side_by_side_plans(user, year: int):
    """The plans of `year` below a unit where the user is 研考承辦 or 檢視者 (`PlanQuerySet.read_from_above`, the
    same rule as the bureau's list of submissions); every plan of the year for a superuser."""
    return Plan.objects.filter(year=year).read_from_above(user)


def can_refresh(user, organizations) -> bool:
    """Bureau staff (研考承辦 of a unit above one of these organisations, `roles_above`) may ask for a
    recalculation; 檢視者 may not."""
    if user.is_superuser:
        return True
    memberships = memberships_of(user)
    return any(m.role == Membership.Role.STAFF for org in organizations for m in roles_above(memberships, org))


def sorted_plans(user, year: int, sort: str):
    """The plans of `side_by_side_plans` with their organisations and figures, in the order `sort` asks for (one of
    `SORTS`, "-" reversed; anything else is "org"); and the sort applied."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "org", "org"
    column = F(SORTS[key])
    order = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    plans = side_by_side_plans(user, year).select_related("organization", "figures")
    return plans.order_by(order, "organization__tree_order", "pk"), sort


def with_figure_rows(plans) -> list[Plan]:
    """The plans read, each with `.figure_row`."""
    plans = list(plans)
    for plan in plans:
        plan.figure_row = getattr(plan, "figures", None)  # None when the plan has no row yet
    return plans


def side_by_side(user, year: int, sort: str = "") -> SideBySide:
    """Every row, for the export and the 重新計算 button; 404 when the user has no plan below them this year. Three
    queries (the memberships, the plans with their figures and organisations, the staff check); no staleness."""
    if not user.is_authenticated:
        raise Http404("找不到此頁。")
    queryset, sort = sorted_plans(user, year, sort)
    plans = with_figure_rows(queryset)
    if not plans:
        raise Http404("找不到此頁。")
    return SideBySide(year, plans, [], can_refresh(user, [plan.organization for plan in plans]), sort)


def side_by_side_paged(user, year: int, sort: str = "", page_number=None) -> SideBySide:
    """One page of `PAGE_SIZE` rows (a bad or too high number gives the nearest page); 404 as `side_by_side`. Only
    the page's plans are checked for staleness (`stale_plans`): a plan on another page is checked, and its refresh
    queued, when a page showing it is read (or by the nightly `refresh_figures`). Queries: the memberships, the
    count, the page's rows, the activity of the page's plans, the organisations of the year for the staff check;
    none grows with the organisations."""
    if not user.is_authenticated:
        raise Http404("找不到此頁。")
    queryset, sort = sorted_plans(user, year, sort)
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    if not page.paginator.count:
        raise Http404("找不到此頁。")
    plans = page.object_list = with_figure_rows(page.object_list)
    organizations = Unit.objects.filter(pk__in=queryset.values("organization_id")).only("pk", "path").order_by()
    return SideBySide(year, plans, stale_plans(plans), can_refresh(user, organizations), sort, page)
