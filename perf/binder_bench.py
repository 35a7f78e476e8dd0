"""The binder benchmark: make `files` evidence files adding up to `total_mb` (PDFs of several pages with photos,
PNG and JPEG photos), sent on the plan's measures and chosen under its focus points, in a scratch storage and a
transaction that is rolled back; build the binder; measure time, peak memory, pages and sizes."""

import hashlib
import io
import os
import resource
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from fpdf import FPDF
from PIL import Image

from assessments.binder_build import build_binder
from assessments.models import BinderEntry
from diagnosis.models import Unit
from measures.models import Evidence, Measure, ProgressReport
from measures.models.evidence import evidence_storage


@dataclass(frozen=True)
class BinderBench:
    files: int
    input_bytes: int
    seconds: float
    peak_rss_mb: float
    baseline_rss_mb: float
    pages: int
    pdf_bytes: int
    zip_bytes: int


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def noise_image(width: int, height: int) -> Image.Image:
    """An image that compresses as badly as a photo, or worse (noise)."""
    return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))


def jpeg_bytes(target: int) -> bytes:
    side = max(64, int((target / 0.95) ** 0.5))  # noise at quality 85 takes about a byte a pixel
    out = io.BytesIO()
    noise_image(side * 4 // 3, side * 3 // 4).save(out, "JPEG", quality=85)
    return out.getvalue()


def png_bytes(target: int) -> bytes:
    side = max(64, int((target / 3.05) ** 0.5))
    out = io.BytesIO()
    noise_image(side * 4 // 3, side * 3 // 4).save(out, "PNG", compress_level=1)
    return out.getvalue()


def pdf_bytes(target: int, pages: int = 4) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=14)
    for page in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"Evidence page {page + 1}")
        pdf.image(io.BytesIO(jpeg_bytes(target // pages)), x=15, y=25, w=180)
    return bytes(pdf.output())


def make_files(plan, count: int, total: int, user) -> None:
    """`count` files of about total/count bytes each (PDF, PNG, JPEG in turn) on sent reports, all chosen."""
    measures = list(Measure.objects.filter(plan=plan, focus_point__isnull=False).select_related("focus_point", "item"))
    units = list(
        Unit.objects.filter(path__startswith=plan.organization.path).exclude(pk=plan.organization_id)[:12]
    ) or [plan.organization]
    each, made = total // count, 0
    kinds = [("pdf", "application/pdf", pdf_bytes), ("png", "image/png", png_bytes), ("jpg", "image/jpeg", jpeg_bytes)]
    storage = evidence_storage()
    sent = timezone.make_aware(datetime.combine(plan.start_date, datetime.min.time())) + timedelta(days=20)
    for n in range(count):
        measure, unit = measures[n % len(measures)], units[(n // len(measures)) % len(units)]
        report, _ = ProgressReport.objects.get_or_create(
            measure=measure,
            unit=unit,
            period=date(plan.start_date.year, 1, 1),
            defaults={
                "status": ProgressReport.Status.SUBMITTED,
                "narrative": "效能測試",
                "progress": 50,
                "submitted_by": user,
                "submitted_at": sent,
            },
        )
        extension, content_type, make = kinds[n % 3]
        data = make(each)
        made += len(data)
        each = max(1024, (total - made) // max(1, count - n - 1))  # aim the rest at the total
        name = storage.save(Evidence.storage_name(extension), ContentFile(data))
        evidence = Evidence.objects.create(
            report=report,
            file=name,
            original_name=f"佐證{n + 1:03d}.{extension}",
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        BinderEntry.objects.create(
            plan=plan, item=measure.item, focus_point=measure.focus_point, position=n, evidence=evidence, added_by=user
        )


def run_binder_bench(plan, *, files: int, total_mb: int, keep: Path | None = None, progress=None) -> BinderBench:
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    with TemporaryDirectory(prefix="binder-bench-") as scratch:
        work = Path(scratch)
        storages = {
            "evidence": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": work / "evidence"},
            }
        }
        with override_settings(STORAGES={**settings.STORAGES, **storages}), transaction.atomic():
            BinderEntry.objects.filter(plan=plan).delete()  # the binder holds the benchmark's files only
            make_files(plan, files, total_mb * 1024 * 1024, user)
            input_bytes = sum(BinderEntry.objects.filter(plan=plan).values_list("evidence__size", flat=True))
            baseline, peak, running = rss_mb(), [0.0], [True]

            def sample():
                while running[0]:
                    peak[0] = max(peak[0], rss_mb())
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            pdf_path, zip_path = (keep or work) / "binder.pdf", (keep or work) / "binder.zip"
            started = time.perf_counter()
            result = build_binder(plan, plan.start_date + timedelta(days=150), pdf_path, zip_path, progress)
            seconds = time.perf_counter() - started
            running[0] = False
            sampler.join()
            bench = BinderBench(
                files,
                input_bytes,
                seconds,
                peak[0],
                baseline,
                result.pages,
                pdf_path.stat().st_size,
                zip_path.stat().st_size,
            )
            transaction.set_rollback(True)
    return bench
