"""Importing measures from Excel: upload → a dry run showing every row → confirm writes all rows or none."""

import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from diagnosis.access import get_plan_for_user

from ..importers import ImportFileError, import_measures, max_import_bytes, template_workbook

TOKEN_SALT = "measures.import"
TOKEN_MAX_AGE = 3600


def _import_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


PENDING_NAME = re.compile(r"[0-9a-f]{32}")  # the uuid4().hex the upload step names a pending import by


def pending_import_path(name: object) -> Path | None:
    """The file a pending import was kept in, by the opaque name the server gave it; None for any other name, so
    that whatever a token says (even one signed with a leaked key), only files in the import folder are opened."""
    if not isinstance(name, str) or not PENDING_NAME.fullmatch(name):
        return None
    return _import_dir() / f"{name}.xlsx"


def _remove_stale_previews(folder: Path) -> None:
    """Uploads whose confirmation has expired (never confirmed) are removed when a new one is kept."""
    cutoff = time.time() - TOKEN_MAX_AGE
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@login_required
def import_page(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_open_year()
    plan = access.plan
    context = {"plan": plan, "access": access, "max_mb": max_import_bytes() // 1048576}
    if request.method != "POST":
        return render(request, "measures/import.html", context)

    if "confirm" in request.POST:
        try:
            token = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, "匯入確認已逾時或無效，請重新上傳檔案。")
            return redirect("measures:import", year=year)
        if token.get("user") != request.user.pk or token.get("plan") != plan.pk:
            messages.error(request, "匯入確認無效，請重新上傳檔案。")
            return redirect("measures:import", year=year)
        path = pending_import_path(token.get("file"))
        if path is None or not path.exists():
            messages.error(request, "找不到待匯入的檔案，請重新上傳。")
            return redirect("measures:import", year=year)
        try:
            report = import_measures(plan=plan, data=path.read_bytes(), user=request.user, dry_run=False)
        except ImportFileError as error:
            report, context["file_error"] = None, str(error)
        path.unlink(missing_ok=True)
        if report is not None and report.ok:
            messages.success(request, f"已匯入：新增 {report.added} 項、更新 {report.changed} 項措施。")
            return redirect("measures:plan", year=year)
        context["report"] = report
        return render(request, "measures/import.html", context, status=400)

    upload = request.FILES.get("file")
    if upload is None:
        context["file_error"] = "請選擇要匯入的 Excel 檔案（.xlsx）。"
        return render(request, "measures/import.html", context, status=400)
    if upload.size > max_import_bytes():
        context["file_error"] = f"檔案大小 {upload.size / 1048576:.1f} MB，超過匯入上限 {max_import_bytes() / 1048576:.0f} MB。"
        return render(request, "measures/import.html", context, status=400)
    data = upload.read()
    try:
        report = import_measures(plan=plan, data=data, user=request.user, dry_run=True)
    except ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, "measures/import.html", context, status=400)
    context["report"] = report
    if report.ok:
        name = uuid.uuid4().hex
        folder = _import_dir()
        _remove_stale_previews(folder)
        (folder / f"{name}.xlsx").write_bytes(data)
        context["token"] = signing.dumps({"file": name, "user": request.user.pk, "plan": plan.pk}, salt=TOKEN_SALT)
    return render(request, "measures/import.html", context, status=200 if report.ok else 400)


@login_required
@require_safe
def import_template(request: HttpRequest, year: int) -> HttpResponse:
    access = get_plan_for_user(request.user, year, request.GET.get("org"))
    access.require_open_year()
    response = HttpResponse(
        template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%8E%AA%E6%96%BD%E5%8C%AF%E5%85%A5%E7%AF%84%E6%9C%AC.xlsx"
    return response
