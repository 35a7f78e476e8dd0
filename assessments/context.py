"""Template context every page gets: the portal's name and the navigation the user's roles open."""

from django.http import HttpRequest

from diagnosis.access import memberships_of, newest_plan_for_user, plan_access, roles_above, unit_above
from diagnosis.models import Membership
from measures.models import ProgressReport

from .models import ReviewerAssignment

PORTAL_NAME = "服務品質管考平台"


def portal(request: HttpRequest) -> dict:
    context = {"portal_name": PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    memberships = memberships_of(user)
    nav_plan = newest_plan_for_user(user) if memberships or user.is_superuser else None
    reads_all = user.is_superuser or any(m.role != Membership.Role.HEAD for m in memberships)
    head_units = [m.unit for m in memberships if m.role == Membership.Role.HEAD]
    access = plan_access(user, nav_plan, memberships) if nav_plan is not None else None
    # 研考承辦 of the plan's own organisation (PlanAccess.can_edit, from the roles already read); not the bureau's.
    staff_of_plan = access is not None and access.can_edit
    # The bureau's 研考承辦 and 檢視者: reading the nav plan from a unit above its organisation.
    above = nav_plan is not None and (user.is_superuser or bool(roles_above(memberships, nav_plan.organization)))
    context["nav"] = {
        "plan": nav_plan,
        # The bureau's staff and viewers, who have no plan of their own: their unit, and the bureau's pages first.
        "from_above": unit_above(memberships, nav_plan.organization) if nav_plan is not None else None,
        "head_units": head_units,
        "reviews": reads_all and nav_plan is not None,
        # 獎懲 is for 研考承辦 and the unit's own head, not for viewers.
        "commendations": nav_plan is not None and (
            user.is_superuser or bool(head_units) or any(m.role == Membership.Role.STAFF for m in memberships)
        ),
        # 書面資料送審: the plan's own list for its staff and viewers, every organisation's for the bureau.
        "submissions": reads_all and nav_plan is not None and (user.is_superuser or not above),
        "bureau_submissions": above,
        # 評分: the bureau's rounds, a precinct's published results (staff and viewers read them), and the rounds an
        # outside reviewer (no role anywhere) is assigned to; not unit heads.
        "scoring": reads_all or (not memberships and ReviewerAssignment.objects.filter(reviewer=user).exists()),
        # 計畫設定 is for 研考承辦 of the plan's organisation.
        "plan_settings": staff_of_plan,
        # 研考承辦's pending reviews: the nav plan's sent reports (one COUNT).
        "pending_reports": pending_report_count(nav_plan) if staff_of_plan else None,
        "roles": "、".join(f"{m.unit.name}{m.get_role_display()}" for m in memberships),
    }
    return context


def pending_report_count(plan) -> int:
    return ProgressReport.objects.filter(measure__plan_id=plan.pk, status=ProgressReport.Status.SUBMITTED).count()
