"""各機關進度比較：一個計畫的數字何時過時。計算之後計畫有了數字所計的新動態（進度填報送出、修改、撤回或審核，措施或
預定進度修改，計畫設定修改，管制考核結案，送審或審查，組織診斷），或基準日（今天）已不同於計算時的基準日。"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from diagnosis.models import DiagnosisRound, Plan, UnitDiagnosis
from measures.models import Measure, PlannedProgress, ProgressReport
from measures.progress import default_as_of

from .models import ControlReview, PlanFigures, Submission


def activity_after_figures():
    """For a plan (`OuterRef("pk")`), what changed after its figures' `computed_at`: each is read through an indexed
    timestamp. What the figures count is `figure_writes.store_figures`; a kind of activity it adds belongs here."""
    plan, computed = OuterRef("pk"), OuterRef("figures__computed_at")
    return [
        # 措施狀態 and 逾時填報: reports sent, changed, withdrawn or reviewed (report_measure_updated_idx) …
        ProgressReport.objects.filter(measure__plan=plan, updated_at__gt=computed),
        # … measures changed or retired, their planned progress, the plan's settings (落後門檻, 填報期限, 結算日)
        Measure.objects.filter(plan=plan, updated_at__gt=computed),
        PlannedProgress.history.filter(measure__plan=plan, history_date__gt=computed),
        Plan.history.filter(id=plan, history_date__gt=computed),
        # 待追蹤: the follow-ups of the latest closed review
        ControlReview.objects.filter(plan=plan, closed_at__gt=computed),
        # 送審狀態 and 送審日期
        Submission.objects.filter(Q(submitted_at__gt=computed) | Q(decided_at__gt=computed), plan=plan),
        # 組織診斷: rounds opened or closed, units' self-checks saved, sent or returned
        DiagnosisRound.objects.filter(Q(created_at__gt=computed) | Q(closed_at__gt=computed), plan=plan),
        UnitDiagnosis.objects.filter(round__plan=plan, updated_at__gt=computed),
    ]


def plans_changed_since_figures(plan_ids) -> set[int]:
    """Of these plans, those where something the figures count happened after the figures were computed: one
    query (an EXISTS for each kind of activity), however many plans."""
    if not plan_ids:
        return set()
    changed = reduce(or_, [Exists(activity) for activity in activity_after_figures()])
    rows = Plan.objects.filter(pk__in=plan_ids, figures__computed_at__isnull=False).filter(changed).order_by()
    return set(rows.values_list("pk", flat=True))


def figures_outdated(plan: Plan, figures: PlanFigures | None) -> bool:
    """No figures yet, only a request for them, or figures as of another day than today's (statuses move with the
    day: a deadline passes, a month's report falls due). No query."""
    return figures is None or figures.computed_at is None or figures.as_of != default_as_of(plan)


def stale_plans(plans) -> list[int]:
    """The plans (each with `.figure_row`) whose figures should be computed again, in the plans' order: those
    `figures_outdated`, and those changed since (`plans_changed_since_figures`, one query)."""
    outdated = {plan.pk for plan in plans if figures_outdated(plan, plan.figure_row)}
    changed = plans_changed_since_figures([plan.pk for plan in plans if plan.pk not in outdated])
    return [plan.pk for plan in plans if plan.pk in outdated or plan.pk in changed]
