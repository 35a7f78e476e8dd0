"""`backup` and `restore`: every object and evidence file comes back; a damaged backup is refused."""

import shutil
import zipfile
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from assessments.backup import APPS
from assessments.review_writes import review_open
from diagnosis.models import Unit
from measures.evidence_files import inspect_upload
from measures.models import Evidence
from measures.report_writes import report_save

pytestmark = pytest.mark.django_db


def flush() -> None:
    """Empty the database inside the test's transaction (PostgreSQL first settles its deferred checks)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as a fresh transaction has them, for loaddata
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def snapshot() -> dict:
    """Every row of every model the backup covers, by model."""
    models = []
    for label in APPS:
        if "." in label:
            models.append(apps.get_model(label))
        else:
            models.extend(apps.get_app_config(label).get_models())
    return {m._meta.label: sorted(map(repr, m.objects.order_by("pk").values())) for m in models}


@pytest.fixture
def content(plan_106, user, pdf_file, evidence_dir):
    measure = plan_106.measures.get(source="form2", name="主動服務")
    upload = pdf_file()
    report_save(
        measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1), user=user("tianmu"),
        narrative="已辦理", progress=40, actuals={}, files=[(upload, inspect_upload(upload))], submit=True,
    )
    review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 5), title="5月", user=user("secretariat"))
    return evidence_dir


def test_a_restore_into_an_empty_database_reproduces_everything(content, tmp_path):
    target = tmp_path / "backup.zip"
    out = StringIO()
    call_command("backup", "-o", str(target), stdout=out)
    assert "個佐證檔案" in out.getvalue()
    before = snapshot()
    evidence = Evidence.objects.get()
    file_bytes = (content / evidence.file.name).read_bytes()
    assert before["measures.HistoricalMeasure"] and before["assessments.ReviewItem"]

    flush()
    shutil.rmtree(content)
    assert not Unit.objects.exists()
    call_command("restore", str(target), stdout=StringIO())
    assert snapshot() == before
    assert (content / evidence.file.name).read_bytes() == file_bytes


def test_a_changed_byte_is_refused_and_nothing_is_written(content, tmp_path):
    target = tmp_path / "backup.zip"
    call_command("backup", "-o", str(target), stdout=StringIO())
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(tampered, "w") as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("evidence/"):
                data = data.replace(b"%%EOF", b"%%EOX")
            copy.writestr(info, data)
    flush()
    with pytest.raises(CommandError, match="檢查碼不符，備份檔已損毀或被修改：evidence/"):
        call_command("restore", str(tampered))
    assert not Unit.objects.exists()


def test_a_restore_refuses_a_database_that_is_not_empty(content, tmp_path):
    target = tmp_path / "backup.zip"
    call_command("backup", "-o", str(target), stdout=StringIO())
    with pytest.raises(CommandError, match="目標資料庫不是空的"):
        call_command("restore", str(target))
    with pytest.raises(CommandError, match="已存在，不覆寫"):
        call_command("backup", "-o", str(target))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"data.xml": b"<x/>"}, "缺少有效的檢查碼清單"),
        ({"manifest.json": b'{"sha256": {}}', "data.xml": b"<x/>"}, "內容與檢查碼清單不符"),
        (
            {"manifest.json": b'{"sha256": {"evidence/../../etc/passwd": "x"}}', "evidence/../../etc/passwd": b"x"},
            "不安全的路徑",
        ),
    ],
)
def test_a_malformed_backup_is_refused(tmp_path, db, members, message):
    target = tmp_path / "bad.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(target))
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="這不是本系統的備份檔"):
        call_command("restore", str(tmp_path / "junk.zip"))


def test_backup_and_restore_stream_the_evidence_with_flat_memory(content, tmp_path, settings):
    """Three 8 MB evidence files: neither the backup nor the restore holds a file's bytes in memory at once
    (Python's allocations, traced, stay under 6 MB whatever the evidence adds up to)."""
    import os
    import tracemalloc

    from measures.models.evidence import evidence_storage

    evidence = Evidence.objects.get()
    storage = evidence_storage()
    for number in range(3):
        name = f"ab/{number:032x}.pdf"
        with open(storage.path(storage.save(name, StringIO(""))), "wb") as handle:
            for _ in range(8):
                handle.write(os.urandom(1024 * 1024))
        Evidence.objects.create(report=evidence.report, file=name, original_name=f"大檔{number}.pdf",
                                content_type="application/pdf", size=8 * 1024 * 1024, sha256="0" * 64,
                                uploaded_by=evidence.uploaded_by)
    target = tmp_path / "backup.zip"
    tracemalloc.start()
    try:
        call_command("backup", "-o", str(target), stdout=StringIO())
        _, backup_peak = tracemalloc.get_traced_memory()
        flush()
        for number in range(3):
            storage.delete(f"ab/{number:032x}.pdf")
        tracemalloc.reset_peak()
        call_command("restore", str(target), stdout=StringIO())
        _, restore_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert backup_peak < 6 * 1024 * 1024, backup_peak
    assert restore_peak < 6 * 1024 * 1024, restore_peak
    assert Evidence.objects.count() == 4
    assert storage.size(f"ab/{2:032x}.pdf") == 8 * 1024 * 1024


def test_every_stored_file_comes_back_follow_ups_binder_and_submissions_too(content, plan_106, user, pdf_file, tmp_path):
    from assessments.binder_writes import binder_upload
    from assessments.follow_up_writes import follow_up_answer
    from assessments.models import ControlReview, ReviewItem
    from assessments.review_writes import review_close
    from assessments.submission_writes import submission_create

    from .test_submissions import make_build

    review = ControlReview.objects.get()
    item = review.items.first()
    ReviewItem.objects.filter(pk=item.pk).update(decision="keep", follow_up_unit=Unit.objects.get(code="shilin-tianmu"),
                                                 follow_up_due=date(2017, 6, 30))
    review.items.exclude(pk=item.pk).update(decision="release")
    review.courtesy_items.update(decision="release")
    review_close(review=review, user=user("secretariat"))
    upload = pdf_file("辦理情形.pdf")
    follow_up_answer(item=ReviewItem.objects.get(pk=item.pk), user=user("tianmu"), text="已辦理",
                     files=[(upload, inspect_upload(upload))])
    own = pdf_file("自備.pdf")
    binder_upload(plan=plan_106, item=item.measure.item, focus_point=item.measure.focus_point, user=user("secretariat"),
                  upload=own, info=inspect_upload(own))
    submission_create(plan=plan_106, build=make_build(plan_106, user("secretariat")), user=user("secretariat"))
    stored = {path.relative_to(content).as_posix(): path.read_bytes() for path in content.rglob("*") if path.is_file()}
    assert any(name.startswith("follow-ups/") for name in stored) and any(name.startswith("submissions/") for name in stored)
    assert len(stored) == 1 + 1 + 1 + 2 + 4  # report's evidence, follow-up file, own binder file, build's PDF and zip, 附表 ×4
    target = tmp_path / "backup.zip"
    call_command("backup", "-o", str(target), stdout=StringIO())
    flush()
    shutil.rmtree(content)
    call_command("restore", str(target), stdout=StringIO())
    assert {path.relative_to(content).as_posix(): path.read_bytes() for path in content.rglob("*") if path.is_file()} == stored
