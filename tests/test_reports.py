"""Monthly progress reports with evidence: who may report, edit, withdraw, review and download."""

from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnosis.models import Unit
from measures.models import Evidence, Measure, ProgressReport
from measures.report_writes import report_save
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(plan_106):
    """附表2 主動服務: 主辦 秘書室, 協辦 偵查隊, 各單位 — both demo unit heads carry it."""
    return plan_106.measures.prefetch_related("lead_units", "support_units").get(source=Measure.Source.FORM2, name="主動服務")


def new_url(measure):
    return reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk})


def report_of(username_unit_code, measure, user, status_submit=True, period=date(2017, 5, 1)):
    unit = Unit.objects.get(code=username_unit_code)
    return report_save(
        measure=measure, unit=unit, period=period, user=user, narrative="本月辦理情形", progress=40,
        actuals={}, submit=status_submit,
    )


def post_report(client, measure, **changes):
    data = {"unit": Unit.objects.get(code="shilin-tianmu").pk, "period": "2017-05-01", "narrative": "已於大門 LED 宣導", "progress": "60", "submit": "1"}
    data.update(changes)
    return client.post(new_url(measure), {k: v for k, v in data.items() if v is not None})


def test_a_unit_head_submits_a_report_with_evidence(client, user, measure, pdf_file, evidence_dir):
    client.force_login(user("tianmu"))
    indicator = measure.indicators.create(name="慰問簡訊", unit="件", target_value=100, position=1)
    response = post_report(client, measure, evidence=[pdf_file(), pdf_file("照片.pdf")], **{f"indicator_{indicator.pk}": "12.5"})
    report = ProgressReport.objects.get(measure=measure)
    assert response["Location"] == reverse("measures:report", kwargs={"pk": report.pk})
    assert (report.unit.code, report.period, report.progress, report.status) == ("shilin-tianmu", date(2017, 5, 1), 60, "submitted")
    assert report.submitted_by.username == "tianmu"
    assert report.actuals.get().value == 12.5
    files = list(report.evidence.order_by("pk"))
    assert [e.original_name for e in files] == ["執行成果.pdf", "照片.pdf"]
    import hashlib

    assert files[0].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert files[0].content_type == "application/pdf" and files[0].size == len(PDF_BYTES)
    stored = evidence_dir / files[0].file.name
    assert stored.read_bytes() == PDF_BYTES
    assert "執行成果" not in files[0].file.name  # stored under a generated name
    html = client.get(reverse("measures:report", kwargs={"pk": report.pk})).content.decode()
    assert "已送出" in html and "已於大門 LED 宣導" in html and "執行成果.pdf" in html


@pytest.mark.parametrize("name, offered", [
    ("報告.hta", "報告.pdf"),  # PDF bytes under a name a PC would run
    ("poly.html", "poly.pdf"),
    ("\u202egpj.exe", "gpj.pdf"),  # the right-to-left mark dropped and the .exe with it
    ("執行成果", "執行成果.pdf"),
    ("執行成果.PDF", "執行成果.pdf"),
])
def test_evidence_downloads_under_the_extension_its_content_was_checked_to_be(
    client, user, measure, pdf_file, evidence_dir, name, offered
):
    client.force_login(user("tianmu"))
    post_report(client, measure, evidence=[pdf_file(name)])
    evidence = Evidence.objects.get()
    response = client.get(reverse("measures:evidence", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f"filename*=utf-8''{quote(offered)}" in disposition or f'filename="{offered}"' in disposition, disposition
    assert ".hta" not in disposition and ".exe" not in disposition


def test_evidence_is_served_only_through_the_access_check(client, user, measure, pdf_file, evidence_dir, outsider):
    client.force_login(user("tianmu"))
    post_report(client, measure, evidence=[pdf_file()])
    evidence = Evidence.objects.get()
    url = reverse("measures:evidence", kwargs={"pk": evidence.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E5%9F%B7%E8%A1%8C%E6%88%90%E6%9E%9C.pdf" in response["Content-Disposition"]
    for other in ["secretariat", "viewer"]:
        client.force_login(user(other))
        assert client.get(url).status_code == 200, other  # the report was sent
    client.force_login(user("investigation"))
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


def test_another_units_draft_and_its_evidence_are_404(client, user, measure, pdf_file, evidence_dir):
    client.force_login(user("investigation"))
    post_report(client, measure, unit=Unit.objects.get(code="shilin-investigation").pk, submit=None, draft="1", evidence=[pdf_file()])
    draft = ProgressReport.objects.get()
    assert draft.status == "draft"
    evidence = draft.evidence.get()
    for username in ["tianmu", "secretariat", "viewer"]:
        client.force_login(user(username))
        assert client.get(reverse("measures:report", kwargs={"pk": draft.pk})).status_code == 404, username
        assert client.get(reverse("measures:evidence", kwargs={"pk": evidence.pk})).status_code == 404, username
    client.force_login(user("tianmu"))
    for name in ["report_edit", "report_withdraw", "report_delete", "report_review"]:
        assert client.post(reverse(f"measures:{name}", kwargs={"pk": draft.pk}), {}).status_code == 404, name
    assert client.post(reverse("measures:evidence_delete", kwargs={"pk": evidence.pk})).status_code == 404


def test_readers_cannot_report_or_change_reports(client, user, measure, plan_106):
    sent = report_of("shilin-tianmu", measure, user("tianmu"))
    for username in ["viewer", "secretariat"]:
        client.force_login(user(username))
        assert client.get(new_url(measure)).status_code == 403
        assert post_report(client, measure).status_code == 403
        assert client.post(reverse("measures:report_edit", kwargs={"pk": sent.pk}), {}).status_code == 403
        assert client.post(reverse("measures:report_withdraw", kwargs={"pk": sent.pk})).status_code == 403
    client.force_login(user("viewer"))
    assert client.post(reverse("measures:report_review", kwargs={"pk": sent.pk}), {"decision": "accept"}).status_code == 403
    client.force_login(user("tianmu"))
    assert client.post(reverse("measures:report_review", kwargs={"pk": sent.pk}), {"decision": "accept"}).status_code == 403
    not_carried = plan_106.measures.get(source="form1", name="其他服務作法", item__name="服務一致及正確")  # 交通大隊 only
    assert client.get(new_url(not_carried)).status_code == 403
    assert ProgressReport.objects.get(pk=sent.pk).status == "submitted"


def test_staff_return_then_accept(client, user, measure):
    report = report_of("shilin-tianmu", measure, user("tianmu"))
    review = reverse("measures:report_review", kwargs={"pk": report.pk})
    client.force_login(user("secretariat"))
    queue = client.get(reverse("measures:plan_reports", kwargs={"year": 106})).content.decode()
    assert "主動服務" in queue and "天母派出所" in queue
    no_comment = client.post(review, {"decision": "return", "comment": "  "})
    assert no_comment.status_code == 400 and "退回時請寫明需補正之處。" in no_comment.content.decode()
    client.post(review, {"decision": "return", "comment": "請補附宣導照片"})
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.reviewed_by.username) == ("returned", "請補附宣導照片", "secretariat")
    client.force_login(user("tianmu"))
    unit_page = client.get(reverse("assessments:unit", kwargs={"code": "shilin-tianmu"})).content.decode()
    assert "被退回待補正的填報" in unit_page and "請補附宣導照片" in unit_page
    edit = reverse("measures:report_edit", kwargs={"pk": report.pk})
    assert "請補附宣導照片" in client.get(edit).content.decode()
    client.post(edit, {"narrative": "已補附照片", "progress": "70", "submit": "1"})
    report.refresh_from_db()
    assert (report.status, report.progress) == ("submitted", 70)
    client.force_login(user("secretariat"))
    client.post(review, {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == "accepted"
    assert client.post(review, {"decision": "return", "comment": "再改"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"  # a decided report is not reviewed again
    client.force_login(user("tianmu"))
    assert client.get(edit).status_code == 403
    assert client.post(reverse("measures:report_withdraw", kwargs={"pk": report.pk})).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"


def test_a_unit_head_withdraws_and_deletes(client, user, measure, pdf_file, evidence_dir):
    client.force_login(user("tianmu"))
    post_report(client, measure, evidence=[pdf_file()])
    report = ProgressReport.objects.get()
    stored = evidence_dir / report.evidence.get().file.name
    client.post(reverse("measures:report_withdraw", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.status == "draft"
    client.force_login(user("secretariat"))
    assert client.get(reverse("measures:report", kwargs={"pk": report.pk})).status_code == 404
    client.force_login(user("tianmu"))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("measures:report_delete", kwargs={"pk": report.pk}))
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not stored.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"progress": "101"}, "progress", "執行進度應介於 0 到 100 之間。"),
        ({"progress": "-1"}, "progress", "執行進度應介於 0 到 100 之間。"),
        ({"progress": "六十"}, "progress", "請輸入 0 到 100 的整數。"),
        ({"narrative": "   "}, "narrative", "這個欄位是必須的。"),
        ({"narrative": None}, "narrative", "這個欄位是必須的。"),
        ({"period": "2018-01-01"}, "period", "填報月份須在計畫執行期程（106年1月至106年12月）內，請從清單中選擇。"),
    ],
)
def test_bad_values_get_chinese_errors_and_write_nothing(client, user, measure, changes, field, message):
    client.force_login(user("tianmu"))
    response = post_report(client, measure, **changes)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 200, "只接受 PDF"),
        ("頁面.pdf", b"<html><script>alert(1)</script></html>", "只接受 PDF"),
        ("空白.pdf", b"", "檔案是空的"),
    ],
)
def test_bad_files_get_chinese_errors_and_leave_nothing(client, user, measure, pdf_file, evidence_dir, name, data, message):
    client.force_login(user("tianmu"))
    bad = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = post_report(client, measure, evidence=[pdf_file(), bad])
    errors = str(response.context["form"].errors["evidence"])
    assert name in errors and message in errors
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(client, user, measure, pdf_file, evidence_dir, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(user("tianmu"))
    big = pdf_file("大檔.pdf", PDF_BYTES[:-7] + b"x" * 200 + b"\n%%EOF\n")
    response = post_report(client, measure, evidence=[big])
    assert "超過上限" in str(response.context["form"].errors["evidence"])
    assert not ProgressReport.objects.exists()


def test_one_report_per_unit_and_month(client, user, measure):
    report_of("shilin-tianmu", measure, user("tianmu"))
    client.force_login(user("tianmu"))
    response = post_report(client, measure)
    assert "天母派出所已填報過106年5月的進度，請改為編修該筆填報。" in str(response.context["form"].errors["period"])
    assert ProgressReport.objects.count() == 1


def test_a_failure_while_storing_evidence_leaves_no_file_and_no_row(user, measure, pdf_file, evidence_dir, monkeypatch):
    from measures.evidence_files import inspect_upload
    from measures.models import IndicatorActual

    upload = pdf_file()
    info = inspect_upload(upload)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    from measures.models import Evidence as EvidenceModel

    original = EvidenceModel.save
    calls = {"n": 0}

    def fail_second(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceModel, "save", fail_second)
    with pytest.raises(RuntimeError):
        report_save(
            measure=measure, unit=Unit.objects.get(code="shilin-tianmu"), period=date(2017, 5, 1), user=user("tianmu"),
            narrative="x", progress=10, actuals={}, files=[(upload, info), (pdf_file("二.pdf"), info)], submit=True,
        )
    assert not ProgressReport.objects.exists() and not EvidenceModel.objects.exists() and not IndicatorActual.objects.exists()
    assert not any(p.is_file() for p in evidence_dir.rglob("*"))


def test_another_unit_page_is_404_for_a_head_but_open_to_staff(client, user, outsider):
    url = reverse("assessments:unit", kwargs={"code": "shilin-investigation"})
    client.force_login(user("tianmu"))
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    for username in ["secretariat", "viewer", "investigation"]:
        client.force_login(user(username))
        assert client.get(url).status_code == 200
    assert client.get(reverse("assessments:unit", kwargs={"code": "no-such-unit"})).status_code == 404


def test_a_submission_that_loses_a_race_is_a_form_error(client, user, measure, monkeypatch):
    from measures.report_writes import ReportStateError

    def lost(**kwargs):
        raise ReportStateError("天母派出所該月份已有填報，請重新整理後編修該筆填報。")

    monkeypatch.setattr("measures.views.reports.report_save", lost)
    client.force_login(user("tianmu"))
    response = post_report(client, measure)
    assert response.status_code == 200
    assert "天母派出所該月份已有填報，請重新整理後編修該筆填報。" in str(response.context["form"].errors["period"])


def test_a_reports_values_and_files_list_in_order_without_joining_up_to_the_plan(client, user, measure):
    """Indicator values by the indicator's position, files by upload; reading them neither joins nor sorts
    through the report's measure, plan and organisation (the models' orderings name the parent's id)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.models import Indicator, IndicatorActual

    second = measure.indicators.create(name="後列指標", unit="件", target_value=10, position=2)
    first = measure.indicators.create(name="前列指標", unit="件", target_value=10, position=1)
    report = report_of("shilin-tianmu", measure, user("tianmu"))
    IndicatorActual.objects.create(report=report, indicator=second, value=2)
    IndicatorActual.objects.create(report=report, indicator=first, value=1)
    assert [a.indicator_id for a in report.actuals.all()] == [first.pk, second.pk]
    assert [i.pk for i in Indicator.objects.filter(measure=measure)] == [first.pk, second.pk]
    client.force_login(user("secretariat"))
    with CaptureQueriesContext(connection) as page:
        html = client.get(reverse("measures:report", kwargs={"pk": report.pk})).content.decode()
    assert html.index("前列指標") < html.index("後列指標")
    reads = [q["sql"] for q in page.captured_queries if "measures_indicatoractual" in q["sql"] or "measures_evidence" in q["sql"]]
    assert len(reads) == 2 and not any("diagnosis_plan" in sql or "measures_measure" in sql for sql in reads)
    # The measure page lists its reports without their values and files (those are on each report's page).
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk}))
    assert not [q for q in page.captured_queries if "measures_indicatoractual" in q["sql"] or "measures_evidence" in q["sql"]]


def test_a_report_keeps_at_most_the_set_number_of_evidence_files(client, user, measure, pdf_file, evidence_dir, settings):
    settings.EVIDENCE_PER_REPORT_MAX_FILES = 3
    client.force_login(user("tianmu"))
    too_many = post_report(client, measure, evidence=[pdf_file(f"{n}.pdf") for n in range(4)], submit=None)
    assert too_many.status_code == 200 and "每筆填報最多 3 個佐證檔案；此筆已有 0 個" in too_many.content.decode()
    assert not ProgressReport.objects.filter(measure=measure).exists()
    post_report(client, measure, evidence=[pdf_file("一.pdf"), pdf_file("二.pdf")], submit=None)
    report = ProgressReport.objects.get(measure=measure)
    edit = reverse("measures:report_edit", kwargs={"pk": report.pk})
    data = {"narrative": "再補佐證", "progress": "60"}
    response = client.post(edit, {**data, "evidence": [pdf_file("三.pdf"), pdf_file("四.pdf")]})
    assert response.status_code == 200 and "每筆填報最多 3 個佐證檔案；此筆已有 2 個，這次最多再加 1 個。" in response.content.decode()
    assert report.evidence.count() == 2
    assert client.post(edit, {**data, "evidence": [pdf_file("三.pdf")]}).status_code == 302
    assert report.evidence.count() == 3


def test_a_reports_evidence_adds_up_to_at_most_the_set_size(client, user, measure, pdf_file, evidence_dir, settings):
    settings.EVIDENCE_PER_REPORT_MAX_BYTES = 60  # each file is 44 bytes
    client.force_login(user("tianmu"))
    response = post_report(client, measure, evidence=[pdf_file("一.pdf"), pdf_file("二.pdf")])
    assert response.status_code == 200 and "每筆填報的佐證檔案合計最多" in response.content.decode()
    assert not ProgressReport.objects.filter(measure=measure).exists()
