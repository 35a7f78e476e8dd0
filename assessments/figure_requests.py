"""各機關進度比較：頁面讀到過時或缺少的數字時，要求背景重新計算（每個計畫排隊中只排一次；一次要求的計畫由一個
背景作業依序計算）。"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import PlanFigures
from .tasks import refresh_plan_figures

REQUEST_EXPIRES = timedelta(hours=1)  # a refresh asked for longer ago than this is asked for again (worker down)


def plan_figures_request_refresh(plan_ids, *, force: bool = False) -> list[int]:
    """Queue a refresh of these plans' figures, leaving out those queued within the last hour (none with `force`: the
    重新計算 button), as one task for all of them; the plans it queued. A plan without figures gets an empty row
    recording the request."""
    if not plan_ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        PlanFigures.objects.bulk_create([PlanFigures(plan_id=pk) for pk in plan_ids], ignore_conflicts=True)
        waiting = PlanFigures.objects.select_for_update().filter(plan_id__in=plan_ids)
        if not force:
            waiting = waiting.exclude(refresh_requested_at__gte=now - REQUEST_EXPIRES)
        queued = list(waiting.values_list("plan_id", flat=True))
        PlanFigures.objects.filter(plan_id__in=queued).update(refresh_requested_at=now)
        if queued:
            refresh_plan_figures.enqueue(queued)
    return queued
