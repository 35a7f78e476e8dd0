"""The plan as a tree (構面 → 項目 → 評核重點 → 措施), and its 計畫設定 (研考承辦)."""

from collections import defaultdict
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user, other_plans
from diagnosis.framework_tree import plan_framework

from ..forms.plan_forms import PlanSettingsForm
from ..plan_settings import plan_settings_changes, plan_settings_save
from ..tree_measures import TreeMeasure, tree_measures


class OtherPlan(NamedTuple):
    """A plan the plan tree links to, besides its own."""

    year: int
    code: str  # the organisation's
    name: str  # the organisation's


@login_required
@require_safe
def plan_tree(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    plan = access.plan  # read with its organisation by the access lookup
    framework = plan_framework(plan)
    measures = tree_measures(plan)
    by_item: dict[int, list[TreeMeasure]] = defaultdict(list)
    retired: list[TreeMeasure] = []
    for measure in measures:
        (retired if measure.retired_at else by_item[measure.item_id]).append(measure)
    for dimension in framework:
        for item in dimension.items:
            item.active_measures = by_item.get(item.pk, [])
            for focus_point in item.focus_points:
                focus_point.active_measures = [m for m in item.active_measures if m.focus_point_id == focus_point.pk]
            item.unlinked_measures = [m for m in item.active_measures if m.focus_point_id is None]
    # Bureau or national staff may see thousands of plans; the tree links the newest few (the rest by ?org=).
    others = [OtherPlan(*row) for row in other_plans(request.user, plan_id=plan.pk)]
    return render(
        request,
        "measures/plan_tree.html",
        {
            "plan": plan,
            "framework": framework,
            "access": access,
            # every focus point without a measure links to it
            "new_measure_url": reverse("measures:measure_new", kwargs={"year": plan.year}),
            "retired": retired,
            "measure_count": len(measures) - len(retired),
            "other_plans": others,
        },
    )


@login_required
def plan_settings(request: HttpRequest, year: int) -> HttpResponse:
    """計畫設定: 研考承辦 set the 結算日, 每月填報期限, 落後門檻 and 及格分數; others who see the plan get 403."""
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_edit()
    plan = access.plan
    form = PlanSettingsForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_settings_save(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已儲存計畫設定。")
            query = urlencode({"org": plan.organization.code})
            return redirect(f"{reverse('measures:plan_settings', kwargs={'year': plan.year})}?{query}")
    return render(
        request,
        "measures/plan_settings.html",
        {"plan": plan, "access": access, "form": form, "changes": plan_settings_changes(plan)},
    )
