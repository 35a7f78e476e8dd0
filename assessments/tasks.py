"""Background jobs (django-tasks; the database backend by default, `manage.py db_worker` runs them)."""

import hashlib
import logging
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.files import File
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from diagnosis.models import Plan
from measures.models.evidence import evidence_storage

from .binder_build import build_binder
from .figure_writes import plan_figures_refresh
from .models import BinderBuild

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024
FAILED_MESSAGE = "製作失敗，請重新製作；若仍失敗，請洽系統管理者（錯誤已記錄於伺服器）。"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def run_binder_build(build_id: int) -> None:
    """Build the binder of a queued BinderBuild and keep its PDF and zip in the evidence storage; a failure is
    recorded on the build (FAILED, with the reason) so that the next build may start."""
    claimed = BinderBuild.objects.filter(pk=build_id, state=BinderBuild.State.QUEUED).update(
        state=BinderBuild.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    build = BinderBuild.objects.select_related("plan__organization").get(pk=build_id)

    def progress(done: int, total: int) -> None:
        BinderBuild.objects.filter(pk=build_id).update(steps_done=done, steps_total=total)

    storage = evidence_storage()  # as configured now (the field's storage was read at import)
    saved: list[str] = []  # stored files of this build, removed again if it fails after all
    try:
        with TemporaryDirectory(prefix="binder-build-") as workdir:
            pdf_path, zip_path = Path(workdir) / "binder.pdf", Path(workdir) / "binder.zip"
            result = build_binder(build.plan, build.as_of, pdf_path, zip_path, progress)
            stem = f"binders/builds/{build.plan.pk}/{build.pk}-{build.plan.year}"
            with pdf_path.open("rb") as pdf, zip_path.open("rb") as archive:
                saved.append(storage.save(f"{stem}.pdf", File(pdf)))
                build.pdf = saved[-1]
                saved.append(storage.save(f"{stem}.zip", File(archive)))
                build.archive = saved[-1]
            build.pdf_size, build.pdf_sha256 = pdf_path.stat().st_size, file_sha256(pdf_path)
            build.archive_size, build.archive_sha256 = zip_path.stat().st_size, file_sha256(zip_path)
        build.manifest, build.pages = result.manifest, result.pages
        build.state, build.finished_at = BinderBuild.State.DONE, timezone.now()
        build.message = f"共 {result.pages} 頁、{len(result.manifest)} 個檔案" + (
            f"；{result.failed} 個檔案未能轉為 PDF，已列於資料冊並收於 zip。" if result.failed else "。"
        )
        build.save(
            update_fields=[
                "pdf",
                "archive",
                "pdf_size",
                "pdf_sha256",
                "archive_size",
                "archive_sha256",
                "manifest",
                "pages",
                "state",
                "finished_at",
                "message",
            ]
        )
    except Exception:
        logger.exception("binder build %s failed", build_id)
        for name in saved:
            storage.delete(name)
        BinderBuild.objects.filter(pk=build_id).update(
            state=BinderBuild.State.FAILED,
            finished_at=timezone.now(),
            message=FAILED_MESSAGE,
        )
    else:
        BinderBuild.objects.filter(pk=build_id).update(steps_done=F("steps_total"))


@task()
def build_binder_task(build_id: int) -> None:
    run_binder_build(build_id)


@task()
def refresh_plan_figures(plan_ids: list[int]) -> None:
    """各機關進度比較: compute and store these plans' figures (`figure_writes.plan_figures_refresh`), each plan in
    its own transaction; a plan that fails is logged and keeps its request, asked again an hour later
    (`figure_requests.REQUEST_EXPIRES`), and the others are computed all the same."""
    for plan in Plan.objects.filter(pk__in=plan_ids).select_related("organization").order_by("pk"):
        try:
            plan_figures_refresh(plan)
        except Exception:
            logger.exception("figures of plan %s failed", plan.pk)
