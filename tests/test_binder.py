"""佐證資料冊: the build (outline, manifest checksums, a file that cannot be converted, embedded Chinese font),
the background job (one at a time; through the database backend and a worker), and the build command."""

import hashlib
import io
import json
import re
import shutil
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from assessments.binder_build import build_binder
from assessments.binder_writes import binder_choice_save
from assessments.models import BinderBuild, BinderEntry
from assessments.tasks import run_binder_build
from diagnosis.models import FocusPoint
from measures.models import Evidence, ProgressReport
from measures.models.evidence import evidence_storage

from .conftest import shilin_unit

pytestmark = pytest.mark.django_db
TAIPEI = ZoneInfo("Asia/Taipei")
IN_2017 = datetime(2017, 6, 15, 10, tzinfo=TAIPEI)


def pdf_bytes(pages: int = 2, text: str = "page") -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"{text} {n + 1}")
    return bytes(pdf.output())


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def sent_file(
    measure,
    user,
    data: bytes,
    name: str,
    content_type: str,
    *,
    status=ProgressReport.Status.SUBMITTED,
    unit="tianmu",
    month=5,
):
    """An evidence file of a report `unit` sent (or, by `status`, drafted or had returned) on `measure`."""
    report, _ = ProgressReport.objects.get_or_create(
        measure=measure,
        unit=shilin_unit(unit),
        period=date(2017, month, 1),
        defaults={
            "status": status,
            "narrative": f"{measure.name}的執行情形",
            "progress": 40,
            "submitted_by": user,
            "submitted_at": datetime(2017, month, 28, 10, tzinfo=TAIPEI),
        },
    )
    extension = name.rsplit(".", 1)[-1]
    stored = evidence_storage().save(Evidence.storage_name(extension), ContentFile(data))
    return Evidence.objects.create(
        report=report,
        file=stored,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )


def points_with_measures(plan, count: int) -> list[FocusPoint]:
    return list(
        FocusPoint.objects.filter(item__dimension__plan=plan, measures__isnull=False)
        .distinct()
        .order_by("item__dimension__position", "item__position", "position")[:count]
    )


def choose(plan, point, user, files):
    with time_machine.travel(IN_2017, tick=False):
        return binder_choice_save(
            plan=plan, item=point.item, focus_point=point, user=user, included=[f.pk for f in files], positions={}
        )


@pytest.fixture
def chosen(plan_106, user, evidence_dir):
    """Two focus points with chosen files: a two-page PDF and a PNG under the first, a PDF under the second."""
    staff = user("secretariat")
    first, second = points_with_measures(plan_106, 2)
    a = sent_file(first.measures.first(), staff, pdf_bytes(2, "alpha"), "成果報告.pdf", "application/pdf")
    b = sent_file(first.measures.first(), staff, png_bytes(), "活動照片.png", "image/png")
    c = sent_file(second.measures.first(), staff, pdf_bytes(1, "gamma"), "簽到表.pdf", "application/pdf", unit="wenlin")
    choose(plan_106, first, staff, [a, b])
    choose(plan_106, second, staff, [c])
    return first, second, [a, b, c]


def text_of(page) -> str:
    """The page's text without spaces, line breaks and the NULs pypdf reads from fpdf2's CID font map."""
    return page.extract_text().replace("\x00", "").replace(" ", "").replace("\n", "")


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_it_builds_a_pdf_with_bookmarks_for_every_focus_point_and_its_parents(plan_106, chosen, tmp_path):
    first, second, files = chosen
    result = build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    reader = PdfReader(tmp_path / "b.pdf")
    titles = outline_titles(reader)
    for point in (first, second):
        assert (2, point.name, titles[[t[1] for t in titles].index(point.name)][2]) in titles
        assert (1, point.item.name) in {(d, t) for d, t, _ in titles}
        assert (0, point.item.dimension.name) in {(d, t) for d, t, _ in titles}
    every_point = FocusPoint.objects.filter(item__dimension__plan=plan_106).values_list("name", flat=True)
    assert set(every_point) <= {t for d, t, _ in titles if d == 2}
    assert len(reader.pages) == result.pages
    # The first point's summary page, then its files in order: alpha's two pages and the image.
    page = titles[[t[1] for t in titles].index(first.name)][2]
    assert first.name in text_of(reader.pages[page])
    assert "alpha1" in text_of(reader.pages[page + 1])
    assert "alpha2" in text_of(reader.pages[page + 2])
    assert f"-{page + 2}-" in text_of(reader.pages[page + 1])  # page numbers stamped


def test_each_row_of_the_contents_opens_its_page(plan_106, chosen, tmp_path):
    first, _second, _files = chosen
    build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    reader = PdfReader(tmp_path / "b.pdf")
    titles = outline_titles(reader)
    destinations = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    opened = []
    for page in reader.pages[1:]:  # the contents' pages, after the cover, up to the first page without a link
        links = [a.get_object() for a in page.get("/Annots") or [] if a.get_object()["/Subtype"] == "/Link"]
        if not links:
            break
        opened += [destinations[link["/Dest"]] for link in links]
    # One link per contents row, in the order of the bookmarks (封面與目錄 aside), each to the page it names.
    assert opened == [page for _depth, _title, page in titles[1:]]
    point_page = titles[[t[1] for t in titles].index(first.name)][2]
    assert first.name in text_of(reader.pages[point_page])


def test_every_manifest_checksum_matches_the_stored_file_and_the_zip_holds_the_pdf(plan_106, chosen, tmp_path):
    build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert len(manifest) == 3
        stored = {e.original_name: e for e in Evidence.objects.all()}
        for row in manifest:
            evidence = stored[row["name"]]
            with evidence.open_file() as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == row["sha256"] == evidence.sha256
            assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
            assert row["size"] == evidence.size and row["report_id"] == evidence.report_id
            assert row["unit"] == evidence.report.unit.name
        assert "106年度佐證資料冊.pdf" in archive.namelist()
        assert "manifest.csv" in archive.namelist()


def test_the_chinese_text_is_embedded_with_its_font(plan_106, chosen, tmp_path):
    build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    reader = PdfReader(tmp_path / "b.pdf")
    cover = reader.pages[0]
    assert "佐證資料冊" in text_of(cover)
    assert "資料基準日：106年5月31日" in text_of(cover) and "2017" not in text_of(cover)  # 民國, never 西元
    assert any("執行情形摘要（資料基準日106/05/31）" in text_of(page) for page in reader.pages)  # the summaries
    fonts = [font.get_object() for font in cover["/Resources"]["/Font"].values()]
    descriptors = [
        f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for f in fonts if "/DescendantFonts" in f
    ]
    assert descriptors and all("/FontFile3" in d or "/FontFile2" in d for d in descriptors)


def test_a_file_that_cannot_be_converted_is_listed_and_the_build_still_finishes(
    plan_106, user, evidence_dir, tmp_path, settings
):
    settings.BINDER_SOFFICE = "no-such-soffice-here"
    staff = user("secretariat")
    (point,) = points_with_measures(plan_106, 1)
    docx = sent_file(
        point.measures.first(),
        staff,
        b"PK\x03\x04 not really a document",
        "會議紀錄.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    broken = sent_file(point.measures.first(), staff, b"%PDF-1.4\n%%EOF\n", "損毀.pdf", "application/pdf")
    choose(plan_106, point, staff, [docx, broken])
    result = build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    assert result.failed == 2
    by_name = {row["name"]: row for row in result.manifest}
    assert by_name["會議紀錄.docx"]["pdf"] == "未能轉檔" and "LibreOffice" in by_name["會議紀錄.docx"]["note"]
    reader = PdfReader(tmp_path / "b.pdf")
    text = "".join(text_of(page) for page in reader.pages)
    assert "此佐證資料無法轉為PDF頁面" in text and "會議紀錄.docx" in text
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert archive.read(by_name["會議紀錄.docx"]["path"]).startswith(b"PK")


def test_drafts_and_returned_reports_files_are_not_offered(plan_106, user, evidence_dir):
    from assessments.binder_selection import binder_sections

    staff = user("secretariat")
    (point,) = points_with_measures(plan_106, 1)
    sent = sent_file(point.measures.first(), staff, pdf_bytes(1), "已送出.pdf", "application/pdf")
    sent_file(
        point.measures.first(),
        staff,
        pdf_bytes(1),
        "草稿.pdf",
        "application/pdf",
        status=ProgressReport.Status.DRAFT,
        unit="wenlin",
    )
    sent_file(
        point.measures.first(),
        staff,
        pdf_bytes(1),
        "退回.pdf",
        "application/pdf",
        status=ProgressReport.Status.RETURNED,
        unit="lanya",
    )
    section = next(s for s in binder_sections(plan_106, date(2017, 5, 31)) if s.focus_point == point)
    assert [f.evidence for f in section.files] == [sent]


def test_the_task_keeps_the_pdf_and_zip_with_their_checksums(plan_106, chosen, user):
    build = BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=user("secretariat"))
    run_binder_build(build.pk)
    build.refresh_from_db()
    assert build.state == BinderBuild.State.DONE and build.steps_done == build.steps_total > 0
    with evidence_storage().open(build.pdf.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == build.pdf_sha256
    assert build.archive_size and len(build.manifest) == 3 and build.pages > 5
    with evidence_storage().open(build.archive.name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == build.archive_sha256 and len(data) == build.archive_size


def test_a_second_build_in_progress_of_the_same_plan_is_refused_by_the_database(plan_106, user):
    from django.db import IntegrityError, transaction

    staff = user("secretariat")
    BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        BinderBuild.objects.create(
            plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff, state=BinderBuild.State.RUNNING
        )
    BinderBuild.objects.update(state=BinderBuild.State.DONE)
    BinderBuild.objects.create(
        plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff
    )  # a finished one does not block


def test_a_build_that_fails_is_marked_failed_and_frees_the_plan(plan_106, chosen, user, settings):
    settings.BINDER_FONT = "/no/such/font.otf"
    build = BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=user("secretariat"))
    run_binder_build(build.pk)
    build.refresh_from_db()
    assert build.state == BinderBuild.State.FAILED and "製作失敗" in build.message
    assert not re.search("[A-Za-z]", build.message)  # the page shows it: Chinese, no exception name or path


def test_a_build_that_fails_while_storing_leaves_no_file_behind(plan_106, chosen, user, evidence_dir, monkeypatch):
    storage, stored = evidence_storage(), []
    real_save = storage.save

    def save(name, content, **kwargs):
        if name.endswith(".zip"):
            raise OSError(28, "No space left on device")
        stored.append(real_save(name, content, **kwargs))
        return stored[-1]

    monkeypatch.setattr(storage, "save", save)
    build = BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=user("secretariat"))
    run_binder_build(build.pk)
    build.refresh_from_db()
    assert build.state == BinderBuild.State.FAILED and not build.pdf
    assert [Path(name).suffix for name in stored] == [".pdf"]  # the PDF was stored before the zip failed
    assert not list((evidence_dir / "binders" / "builds").rglob("*.*"))


def test_an_image_that_cannot_be_read_gets_a_chinese_reason(tmp_path):
    from assessments.binder_convert import to_pdf

    broken = tmp_path / "壞圖.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    converted = to_pdf(broken, "image/png", tmp_path)
    assert converted.path is None and "圖片無法讀取" in converted.reason
    assert not re.search("[A-Za-z]", converted.reason)  # printed on the binder's page and in the manifest


def test_the_database_backend_queues_the_build_and_a_worker_runs_it(
    client, plan_106, chosen, user, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections that are inside a transaction, as this test's is (on PostgreSQL that ended it).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    client.force_login(user("secretariat"))
    with time_machine.travel(IN_2017, tick=False):
        client.post("/plans/106/binder/build/")
        second = client.post("/plans/106/binder/build/", follow=True)  # the first's progress, no second job
    assert "排隊中（已完成 0／0 步），請稍候；不會重複製作" in second.content.decode()
    build = BinderBuild.objects.get()
    assert build.state == BinderBuild.State.QUEUED and build.task_id
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    build.refresh_from_db()
    assert build.state == BinderBuild.State.DONE
    response = client.get(f"/plans/106/binder/builds/{build.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_command_builds_the_same_binder_with_its_zip(plan_106, chosen, tmp_path, capsys):
    call_command("build_binder", "--plan", "106", "--as-of", "106/05/31", "-o", str(tmp_path / "資料冊.pdf"))
    assert Path(tmp_path / "資料冊.zip").exists()
    assert len(PdfReader(tmp_path / "資料冊.pdf").outline) > 0
    captured = capsys.readouterr()
    assert "已製作" in captured.out and "/" in captured.err


def test_the_command_refuses_a_bad_date_or_an_unwritable_path_in_chinese(plan_106, tmp_path):
    with pytest.raises(CommandError, match="資料基準日「106/13/01」無法使用"):
        call_command("build_binder", "--plan", "106", "--as-of", "106/13/01", "-o", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="無法寫入"):
        call_command(
            "build_binder", "--plan", "106", "--as-of", "106/05/31", "-o", str(tmp_path / "無此資料夾" / "a.pdf")
        )
    assert not list(tmp_path.iterdir())


@pytest.mark.usefixtures("outsider")  # 北投分局, another precinct with a plan of its own
def test_entries_of_the_plan_only(plan_106, chosen, user):
    """`for_plan` (what the page and the build read) leaves out another plan's entries, in binder order."""
    from diagnosis.models import Dimension, Item, Plan, Unit

    first, second, files = chosen
    other_plan = Plan.objects.create(
        organization=Unit.objects.get(code="tcpd-beitou"),
        year=106,
        title="北投 106",
        start_date=date(2017, 1, 1),
        end_date=date(2017, 12, 31),
    )
    dimension = Dimension.objects.create(plan=other_plan, position=1, name="基礎服務", points=200)
    BinderEntry.objects.create(
        plan=other_plan,
        item=Item.objects.create(dimension=dimension, position=1, name="服務一致及正確"),
        position=1,
        added_by=user("secretariat"),
        file="binders/aa/other.pdf",
        original_name="北投.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    entries = list(BinderEntry.objects.for_plan(plan_106))
    assert [e.evidence_id for e in entries] == [f.pk for f in files]
    assert BinderEntry.objects.count() == 4


def test_a_build_whose_worker_stopped_an_hour_ago_does_not_block_the_next(plan_106, user, settings):
    from django.utils import timezone

    from assessments.binder_writes import binder_build_request

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    staff = user("secretariat")
    stuck = BinderBuild.objects.create(
        plan=plan_106,
        as_of=date(2017, 5, 31),
        requested_by=staff,
        state=BinderBuild.State.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    build, created = binder_build_request(plan=plan_106, user=staff, as_of=date(2017, 5, 31))
    assert created and build != stuck
    stuck.refresh_from_db()
    assert stuck.state == BinderBuild.State.FAILED
    again, created = binder_build_request(plan=plan_106, user=staff, as_of=date(2017, 5, 31))
    assert again == build and not created


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_an_odf_file_is_converted_by_libreoffice(plan_106, user, evidence_dir, tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document, data = OpenDocumentText(), io.BytesIO()
    document.text.addElement(P(text="office page"))
    document.write(data)
    staff = user("secretariat")
    (point,) = points_with_measures(plan_106, 1)
    odt = sent_file(
        point.measures.first(), staff, data.getvalue(), "會議紀錄.odt", "application/vnd.oasis.opendocument.text"
    )
    choose(plan_106, point, staff, [odt])
    result = build_binder(plan_106, date(2017, 5, 31), tmp_path / "b.pdf", tmp_path / "b.zip")
    assert result.failed == 0 and result.manifest[0]["pdf"] == "轉檔"
    assert any("officepage" in text_of(page) for page in PdfReader(tmp_path / "b.pdf").pages)


def test_a_build_queued_an_hour_ago_that_no_worker_took_does_not_block_the_next(plan_106, user, settings):
    from django.utils import timezone

    from assessments.binder_writes import binder_build_request

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    staff = user("secretariat")
    waiting = BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff)
    assert binder_build_request(plan=plan_106, user=staff, as_of=date(2017, 5, 31)) == (waiting, False)
    BinderBuild.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - timedelta(minutes=61))
    build, created = binder_build_request(plan=plan_106, user=staff, as_of=date(2017, 5, 31))
    assert created and build != waiting
    waiting.refresh_from_db()
    assert waiting.state == BinderBuild.State.FAILED and "未開始" in waiting.message


def test_the_page_says_so_when_a_build_waits_minutes_for_a_worker(client, plan_106, user, settings):
    from django.utils import timezone

    staff = user("secretariat")
    waiting = BinderBuild.objects.create(plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff)
    client.force_login(staff)
    assert "背景作業程式" not in client.get(f"/plans/{plan_106.year}/binder/").content.decode()
    BinderBuild.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - timedelta(minutes=6))
    page = client.get(f"/plans/{plan_106.year}/binder/").content.decode()
    assert "仍未開始" in page and "背景作業程式" in page
