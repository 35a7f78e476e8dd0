"""Evidence previewed in the report page: PDFs and images only, through the download's access check, inline,
sandboxed and never sniffed; another unit's evidence and an outsider get 404."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnosis.models import Unit
from measures.evidence_files import inspect_upload
from measures.models import Measure
from measures.report_writes import report_save
from tests.conftest import PDF_BYTES
from tests.test_evidence_files import ooxml_bytes, png_bytes

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def report(plan_106, user, evidence_dir):
    """天母派出所's sent report on 附表2 主動服務 with a PDF, a PNG and a Word file."""
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    uploads = [
        SimpleUploadedFile("成果.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("簽呈.docx", ooxml_bytes("docx"), content_type=DOCX),
    ]
    return report_save(
        measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1), user=user("tianmu"),
        narrative="本月辦理情形", progress=40, actuals={}, submit=True,
        files=[(upload, inspect_upload(upload)) for upload in uploads],
    )


def preview(evidence):
    return reverse("measures:evidence_preview", kwargs={"pk": evidence.pk})


def test_pdf_and_images_are_shown_inline_in_a_sandbox(client, user, report):
    pdf, png, _docx = report.evidence.order_by("pk")
    client.force_login(user("tianmu"))
    for evidence, content_type in [(pdf, "application/pdf"), (png, "image/png")]:
        response = client.get(preview(evidence))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("inline")
        assert "sandbox" in response["Content-Security-Policy"].split("; ")
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(client.get(preview(pdf)).streaming_content) == PDF_BYTES
    page = client.get(reverse("measures:report", kwargs={"pk": report.pk})).content.decode()
    # Sandboxed by its own response's header: an <iframe sandbox> makes Chromium refuse to show any PDF.
    assert f'<iframe src="{preview(pdf)}" title="佐證資料預覽：成果.pdf"' in page
    assert f'<img src="{preview(png)}" alt="佐證資料：照片.png"' in page
    # The page that frames them allows no other framing of itself.
    assert client.get(reverse("measures:report", kwargs={"pk": report.pk}))["X-Frame-Options"] == "DENY"


def test_other_types_only_download(client, user, report):
    docx = report.evidence.get(content_type=DOCX)
    client.force_login(user("secretariat"))
    assert client.get(preview(docx)).status_code == 404
    assert client.get(reverse("measures:evidence", kwargs={"pk": docx.pk})).status_code == 200
    assert preview(docx) not in client.get(reverse("measures:report", kwargs={"pk": report.pk})).content.decode()


def test_preview_has_the_downloads_access_check(client, user, report, outsider):
    pdf = report.evidence.get(content_type="application/pdf")
    for username, expected in [("tianmu", 200), ("secretariat", 200), ("viewer", 200), ("investigation", 404)]:
        client.force_login(user(username))
        assert client.get(preview(pdf)).status_code == expected, username
    client.force_login(outsider)
    assert client.get(preview(pdf)).status_code == 404
    client.logout()
    assert client.get(preview(pdf)).status_code == 302


def test_a_draft_is_previewed_by_its_unit_only(client, user, report):
    report.status = "draft"
    report.save(update_fields=["status"])
    png = report.evidence.get(content_type="image/png")
    client.force_login(user("tianmu"))
    assert client.get(preview(png)).status_code == 200
    for username in ["secretariat", "viewer", "investigation"]:
        client.force_login(user(username))
        assert client.get(preview(png)).status_code == 404, username
