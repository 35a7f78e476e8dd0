"""次年度計畫: 研考承辦 confirm and copy a plan into the next year's (see assessments/plan_copy.py)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from diagnosis.access import get_plan_for_user
from diagnosis.models import Plan

from ..plan_copy import PlanCopyError, plan_copy, plan_copy_preview


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_copy_page(request: HttpRequest, year: int) -> HttpResponse:
    """GET: what the copy takes and leaves, with counts; POST: copy and go to the new plan."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    source = access.plan
    target_year = source.year + 1
    error = None
    if request.method == "POST":
        try:
            result = plan_copy(source=source, year=target_year, user=request.user)
        except PlanCopyError as failure:
            error = str(failure)
        else:
            messages.success(
                request,
                f"已建立「{result.plan.title}」，複製{result.summary()}；預定進度、填報、管制考核等未複製，"
                f"請檢查各措施的完成期限與績效指標目標值。",
            )
            url = reverse("measures:plan", kwargs={"year": target_year})
            return redirect(f"{url}?org={quote(source.organization.code)}")
    existing = Plan.objects.filter(organization_id=source.organization_id, year=target_year).first()
    return render(
        request,
        "assessments/plan_copy.html",
        {
            "plan": source,
            "access": access,
            "target_year": target_year,
            "existing": existing,
            "preview": plan_copy_preview(source),
            "error": error,
        },
        status=400 if error else 200,
    )
