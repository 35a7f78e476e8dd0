"""The plan dashboard (staff and viewers) and the unit dashboard (unit heads), both as of a date."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from diagnosis.access import PlanAccess, get_plan_for_user, get_unit_for_user, plan_access, unit_plan_for
from diagnosis.framework_tree import plan_framework
from diagnosis.score_reads import diagnosis_summary
from measures.as_of import as_of_from_request
from measures.models import ProgressReport
from measures.progress import PlanProgress, StatusCounts, late_report_counts
from measures.reporters import units_reported_for, unreportable
from measures.status import STATUS_ORDER, Status, month_start
from measures.unit_months import month_now_due, month_url
from measures.unit_progress import unit_progress

from ..adoption import proposal_summary
from ..charts import status_bar
from ..follow_ups import open_follow_ups
from ..indicators import indicator_actuals, training_summary
from ..satisfaction import satisfaction_summary


@login_required
@require_safe
def plan_dashboard(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    return render_plan_dashboard(request, access)


def render_plan_dashboard(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    plan = access.plan  # read with its organisation by the access lookup; its framework without criteria:
    framework = plan_framework(plan, criteria=False)
    as_of = as_of_from_request(request, plan)
    progress = PlanProgress.counts(plan, as_of.date)
    active = [m for m in progress.measures if progress.status.get(m.pk) is not None]
    by_item, by_focus = defaultdict(list), defaultdict(list)
    for measure in active:
        by_item[measure.item_id].append(measure)
        if measure.focus_point_id:
            by_focus[measure.focus_point_id].append(measure)

    dimensions, at_risk = [], []
    for dimension in framework:
        items = []
        for item in dimension.items:
            counts = progress.counts_for(by_item[item.pk])
            items.append({"item": item, "counts": counts, "bar": status_bar(counts)})
            for focus_point in item.focus_points:
                reason = at_risk_reason(progress.counts_for(by_focus[focus_point.pk]))
                if reason:
                    at_risk.append({"dimension": dimension, "item": item, "focus_point": focus_point, "reason": reason})
        counts = StatusCounts()
        for row in items:
            counts.counts.update(row["counts"].counts)
        dimensions.append({"dimension": dimension, "counts": counts, "bar": status_bar(counts), "items": items})

    units = []
    late = late_report_counts(plan)
    for unit in progress.units:
        counts = progress.unit_counts(unit)
        if counts.total:
            units.append({
                "unit": unit, "counts": counts, "bar": status_bar(counts), "late": late.get(unit.pk, 0),
                "url": reverse("assessments:unit", kwargs={"code": unit.code}),
            })
    totals = progress.counts_for(active)
    return render(
        request,
        "assessments/plan_dashboard.html",
        {
            "plan": plan,
            "access": access,
            "as_of": as_of,
            "totals": totals,
            "totals_bar": status_bar(totals),
            "dimensions": dimensions,
            "at_risk": at_risk,
            "unreportable": unreportable(progress, units_reported_for(plan)),
            "units": units,
            "statuses": STATUS_ORDER,
            # 推動作業: 組織診斷 (1 query, out of the framework's points), 創意提案 (1), 教育訓練 as of the date (1),
            # 滿意度調查 (2).
            "diagnosis_summary": diagnosis_summary(plan, max_total=sum(d.points for d in framework)),
            "proposal_summary": proposal_summary(plan),
            "training": training_summary(plan, as_of.date),
            "satisfaction": satisfaction_summary(plan),
        },
    )


HEALTHY = (Status.IN_PROGRESS, Status.DONE)


def at_risk_reason(counts: StatusCounts) -> str:
    """Why a focus point may lose points as of the date: no measure, or none 執行中 or 已完成 (with what they
    are instead); "" when one of its measures is."""
    if not counts.total:
        return "尚無措施"
    if any(counts.count(status) for status in HEALTHY):
        return ""
    return "沒有執行中或已完成的措施：" + "、".join(f"{status} {number} 項" for status, number in counts.ordered() if number)


@login_required
@require_safe
def unit_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, code)
    plan = unit_plan_for(request.user, unit)
    context = {"unit": unit, "plan": plan, "statuses": STATUS_ORDER}
    if plan is None:
        return render(request, "assessments/unit_dashboard.html", context)
    as_of = as_of_from_request(request, plan)
    progress = unit_progress(plan, unit, as_of.date)
    month = month_start(as_of.date)
    reported_this_month = {r.measure_id for r in progress.reports if r.period == month and r.status != ProgressReport.Status.DRAFT}
    drafts, latest = {}, {}
    for report in progress.reports:  # newest month first
        latest.setdefault(report.measure_id, report)
        if report.status == ProgressReport.Status.DRAFT:
            drafts[report.measure_id] = report
    rows = []
    for row in progress.rows:
        pk = row.measure.pk
        rows.append(
            {
                "measure": row.measure,
                "status": row.status,
                "role": row.role,
                "url": reverse("measures:measure", kwargs={"year": plan.year, "pk": pk}),
                "latest_report": latest.get(pk),
                "report_url": reverse("measures:report", kwargs={"pk": latest[pk].pk}) if pk in latest else "",
                "due_this_month": pk not in reported_this_month and row.status.status != Status.DONE,
                "draft": drafts.get(pk),
            }
        )
    counts = progress.counts
    month_due = month_now_due(plan)  # the month page of the month the unit files now
    access = plan_access(request.user, plan)
    # Each indicator: the unit's own figure beside the organisation's total; the target is the whole organisation's,
    # so only the total is measured against it.
    measure_ids = [row.measure.pk for row in progress.rows]
    context.update(
        {
            "month_due": month_due,
            "month_due_url": month_url(unit, month_due),
            "reports_here": access is not None and access.reports_for(unit.pk),
            "as_of": as_of,
            "rows": rows,
            "counts": counts,
            "bar": status_bar(counts),
            "month": month,
            "due_rows": [row for row in rows if row["due_this_month"]],
            "returned": [r for r in progress.reports if r.status == ProgressReport.Status.RETURNED],
            "late_reports": sum(1 for r in progress.reports if r.sent_late),
            "indicators": list(zip(
                indicator_actuals(measure_ids, as_of.date, unit=unit), indicator_actuals(measure_ids, as_of.date), strict=True
            )),
            "follow_ups": open_follow_ups(plan, [unit.pk]),
            "today": timezone.localdate(),
        }
    )
    return render(request, "assessments/unit_dashboard.html", context)
