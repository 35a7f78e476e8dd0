"""各機關進度比較的數字：算好一個計畫的數字（與計畫總覽相同的計算）存入 `PlanFigures`；何時算是過時見
`figure_activity`。"""

from django.db import transaction
from django.utils import timezone

from diagnosis.models import Plan
from diagnosis.score_reads import diagnosis_summary
from measures.progress import PlanProgress, default_as_of, late_report_counts
from measures.status import Status

from .follow_ups import open_follow_up_count
from .models import PlanFigures
from .submissions import latest_submission


def plan_figures_refresh(plan: Plan) -> PlanFigures:
    """Compute the plan's figures as of `default_as_of(plan)` (the plan dashboard's counts) and store them."""
    with transaction.atomic():
        return store_figures(plan)


def store_figures(plan: Plan) -> PlanFigures:
    # Stamped before reading: what happens while they are computed is newer than them and counted next time.
    computed_at = timezone.now()
    as_of = default_as_of(plan)
    progress = PlanProgress.counts(plan, as_of)
    counts = progress.counts_for(progress.measures)
    latest = latest_submission(plan)
    summary = diagnosis_summary(plan)
    values = {
        "as_of": as_of,
        "computed_at": computed_at,
        "refresh_requested_at": None,
        "done": counts.done,
        "in_progress": counts.count(Status.IN_PROGRESS),
        "not_started": counts.count(Status.NOT_STARTED),
        "report_due": counts.count(Status.REPORT_DUE),
        "lagging": counts.lagging,
        "overdue": counts.overdue,
        "late_reports": sum(late_report_counts(plan).values()),
        "open_follow_ups": open_follow_up_count(plan),
        "submission_state": latest.state if latest else "",
        "submission_number": latest.number if latest else None,
        "submitted_at": latest.submitted_at if latest else None,
        "diagnosis_total": summary.total_1000 if summary else None,
    }
    figures, _ = PlanFigures.objects.update_or_create(plan=plan, defaults=values)
    return figures
