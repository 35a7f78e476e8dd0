"""Open data (服務資訊透明度 E): a plan's measures as JSON and CSV, public and read-only.

Only what the plan itself publishes: 構面, 項目, 措施名稱, 措施內容, 承辦單位 (unit names), the deadline, the
status and the progress as of today. No person's name, account or e-mail, and no report or evidence."""

import csv
import io
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from diagnosis.models import Plan
from diagnosis.models.units import could_be_unit_code
from sq_portal.roc_dates import format_roc
from sq_portal.sheets.model import looks_like_formula

from ..progress import PlanProgress, default_as_of

FIELDS = [
    ("dimension", "構面"),
    ("item", "項目"),
    ("name", "措施名稱"),
    ("content", "措施內容"),
    ("units", "承辦單位"),
    ("deadline", "完成期限"),
    ("status", "執行狀態"),
    ("progress", "執行進度"),
]


def _plan(year: int, organization: str | None) -> Plan:
    plans = Plan.objects.filter(year=year).select_related("organization").order_by("organization__tree_order")
    if organization:
        if not could_be_unit_code(organization):
            raise Http404("找不到此年度計畫。")
        plans = plans.filter(organization__code=organization)
    plan = plans.first()
    if plan is None:
        raise Http404("找不到此年度計畫。")
    return plan


def _records(plan: Plan) -> tuple[str, list[dict]]:
    as_of = default_as_of(plan)
    progress = PlanProgress.load(plan, as_of)
    records = []
    for measure in progress.measures:
        status = progress.status.get(measure.pk)
        if status is None:
            continue
        records.append(
            {
                "dimension": measure.item.dimension.name,
                "item": measure.item.name,
                "name": measure.name,
                "content": measure.content,
                "units": measure.units_display(),
                "deadline": status.deadline_label,
                "status": str(status.status),
                "progress": status.progress,
            }
        )
    return format_roc(as_of), records


@require_GET
def measures_json(request: HttpRequest, year: int) -> JsonResponse:
    plan = _plan(year, request.GET.get("org"))
    as_of, records = _records(plan)
    response = JsonResponse(
        {
            "plan": plan.title,
            "organization": plan.organization.official_name(),
            "year": plan.year,
            "as_of": as_of,
            "fields": dict(FIELDS),
            "measures": records,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def measures_csv(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year, request.GET.get("org"))
    _, records = _records(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in FIELDS])
    for record in records:
        writer.writerow([_csv_safe(record[key]) for key, _ in FIELDS])
    # UTF-8 with BOM so Excel opens the Chinese correctly.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{plan.year}年措施.csv')}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_safe(value):
    """CSV has no cell types: a value a spreadsheet would read as a formula is prefixed with a quote."""
    if looks_like_formula(value):
        return "'" + value
    return "" if value is None else value
