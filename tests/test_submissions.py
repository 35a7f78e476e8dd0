"""書面資料送審: the precinct's 送審 with its frozen 附表 and binder, checksums, nothing changing afterwards, what
changed since the previous submission, the late mark, each refusal, the bureau's 退回補正 and 核定, bad input."""

import hashlib
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from assessments.models import BinderBuild, Submission, SubmissionFile
from assessments.submission_writes import SubmissionError, submission_create, submission_decide
from diagnosis.models import Plan
from measures.models import Measure
from measures.models.evidence import evidence_storage

pytestmark = pytest.mark.django_db
FILE_A, FILE_B, FILE_C = (
    ("服務友善/天母-照片.png", b"png A"),
    ("服務便捷/文林-成果.pdf", b"pdf B"),
    ("服務滿意情形/統計.xlsx", b"xlsx C"),
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_build(plan, user, files=(FILE_A, FILE_B), state=BinderBuild.State.DONE) -> BinderBuild:
    """A build of `plan` as the builder leaves it: when done, a small PDF and zip in the evidence storage, and a
    manifest of `files` (path, data)."""
    build = BinderBuild(
        plan=plan,
        as_of=date(2017, 5, 15),
        state=state,
        requested_by=user,
        manifest=[{"path": path, "size": len(data), "sha256": sha(data), "unit": "天母派出所"} for path, data in files],
    )
    if state == BinderBuild.State.DONE:
        storage = evidence_storage()
        for field, data in (
            ("pdf", b"%PDF-1.4 binder " + repr(files).encode()),
            ("archive", b"PK zip " + repr(files).encode()),
        ):
            setattr(build, field, storage.save(f"binders/test.{'pdf' if field == 'pdf' else 'zip'}", ContentFile(data)))
            setattr(build, f"{field}_size", len(data))
            setattr(build, f"{field}_sha256", sha(data))
        build.finished_at = timezone.now()
    build.save()
    return build


def page(name: str, submission=None, year=106, **kwargs) -> str:
    if submission is not None:
        kwargs["pk"] = submission.pk
    return reverse(f"assessments:{name}", kwargs={"year": year, **kwargs})


def stored_files(evidence_dir) -> set[str]:
    folder = evidence_dir / "submissions"
    return {str(p) for p in folder.rglob("*.*")} if folder.exists() else set()


@pytest.fixture
def staff(user):
    return user("secretariat")


def submitted(plan, staff, files=(FILE_A, FILE_B)) -> Submission:
    return submission_create(plan=plan, build=make_build(plan, staff, files), user=staff)


# ---------------------------------------------------------------- the 送審


def test_it_submits_what_the_confirmation_page_showed(client, evidence_dir, plan_106, staff):
    build = make_build(plan_106, staff)
    client.force_login(staff)
    confirm = client.get(page("submission_new")).content.decode()
    assert "確認送審" in confirm and "2 個原始檔" in confirm and "未訂" in confirm
    form2 = plan_106.measures.filter(source=Measure.Source.FORM2, retired_at__isnull=True).count()
    assert f"{form2} 項措施" in confirm
    response = client.post(page("submission_new"), {"build": build.pk})
    submission = Submission.objects.get(plan=plan_106)
    assert response.status_code == 302 and response.url == page("submission", submission)
    assert submission.number == 1 and submission.state == Submission.State.SUBMITTED and submission.build == build
    assert submission.submitted_by == staff and not submission.late and submission.due_on is None
    assert submission.manifest == build.manifest
    assert len([m for m in submission.measures if m["source"] == "form2"]) == form2
    row = next(m for m in submission.measures if m["name"] == "提供友善服務設施")
    assert set(row) == {"id", "source", "dimension", "item", "focus_point", "name", "content", "units", "deadline"}
    assert row["item"] == "服務友善" and row["dimension"] == "基礎服務"
    assert set(submission.files.values_list("kind", flat=True)) == set(SubmissionFile.Kind.values)
    assert submission.history.get().history_user == staff
    listing = client.get(page("submissions")).content.decode()
    assert "第 1 次" in listing and "已送審" in listing


def test_the_frozen_files_checksums_match_what_is_stored_and_downloaded(client, evidence_dir, plan_106, staff):
    submission = submitted(plan_106, staff)
    client.force_login(staff)
    detail = client.get(page("submission", submission)).content.decode()
    for frozen in submission.files.all():
        data = evidence_storage().open(frozen.file.name, "rb").read()
        assert sha(data) == frozen.sha256 and len(data) == frozen.size and frozen.sha256 in detail
        assert re.fullmatch(r"submissions/[0-9a-f]{2}/[0-9a-f]{32}\.(xlsx|ods)", frozen.file.name), frozen.file.name
        response = client.get(page("submission_file", submission, kind=frozen.kind))
        body = b"".join(response.streaming_content)
        assert sha(body) == frozen.sha256 and response["Cache-Control"] == "private, no-store"
        assert response["Content-Type"] == frozen.content_type
    for kind, digest in (("binder-pdf", submission.build.pdf_sha256), ("binder-zip", submission.build.archive_sha256)):
        assert sha(b"".join(client.get(page("submission_file", submission, kind=kind)).streaming_content)) == digest
        assert digest in detail
    sheet = openpyxl.load_workbook(io.BytesIO(submission.files.get(kind="form2-xlsx").open_file().read())).active
    assert sheet["A1"].value == "附表2"
    assert client.get(page("submission_file", submission, kind="nothing")).status_code == 404


def test_nothing_changes_a_submission_afterwards(client, evidence_dir, plan_106, staff, bureau):
    submission = submitted(plan_106, staff)
    frozen = {f.kind: (f.file.name, f.sha256, f.size) for f in submission.files.all()}
    kept = Submission.objects.values(
        "number", "build", "submitted_at", "submitted_by", "measures", "manifest", "late"
    ).get()
    # The plan goes on: a measure changes, a new build is made.
    Measure.objects.filter(plan=plan_106, name="提供友善服務設施").update(content="改過的內容")
    make_build(plan_106, staff, files=(FILE_C,))
    client.force_login(staff)
    for path in (page("submission", submission), page("submissions")):
        assert client.post(path, {"number": 9}).status_code == 405
    with pytest.raises(ProtectedError):
        submission.build.delete()
    submission_decide(submission=submission, user=bureau, accept=False, comment="請補正")
    with pytest.raises(SubmissionError, match="已審查（退回補正），不能再審查"):
        submission_decide(submission=submission, user=bureau, accept=True, comment="")
    client.force_login(bureau)
    response = client.post(
        page("submission_decide", submission), {"decision": "accept", "comment": "", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert (
        Submission.objects.values(
            "number", "build", "submitted_at", "submitted_by", "measures", "manifest", "late"
        ).get()
        == kept
    )
    assert {f.kind: (f.file.name, f.sha256, f.size) for f in submission.files.all()} == frozen
    for name, digest, _ in frozen.values():
        assert sha(evidence_storage().open(name, "rb").read()) == digest
    assert Submission.objects.get().state == Submission.State.RETURNED
    assert [h.history_type for h in submission.history.order_by("history_id")] == ["+", "~"]


def test_it_shows_what_changed_since_the_previous_submission(client, evidence_dir, plan_106, staff, bureau):
    first = submitted(plan_106, staff, files=(FILE_A, FILE_B))
    submission_decide(submission=first, user=bureau, accept=False, comment="請補充")
    original = plan_106.measures.get(name="提供友善服務設施")
    added = Measure.objects.get(pk=original.pk)
    added.pk, added.name, added.position = None, "新增的便民措施", 9999
    added.save()
    Measure.objects.filter(pk=original.pk).update(content="增設無障礙坡道")
    retired = plan_106.measures.filter(source=Measure.Source.FORM2, name="減除申辦案件需檢附之書表謄本").get()
    Measure.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    second = submitted(plan_106, staff, files=(FILE_B, FILE_C))
    assert second.number == 2
    client.force_login(bureau)
    response = client.get(page("submission", second))
    changes = response.context["changes"]
    assert changes.previous == first
    assert [(m.source, m.name) for m in changes.added] == [("附表2", "新增的便民措施")]
    assert [(m.name, m.fields) for m in changes.changed] == [("提供友善服務設施", ["措施內容"])]
    assert [m.name for m in changes.removed] == ["減除申辦案件需檢附之書表謄本"]
    assert [f["path"] for f in changes.files_added] == [FILE_C[0]]
    assert [f["path"] for f in changes.files_removed] == [FILE_A[0]]
    html = response.content.decode()
    assert "與第 1 次送審比較" in html and "新增的便民措施" in html and "（措施內容）" in html and FILE_A[0] in html


def test_a_submission_after_the_deadline_is_marked_late(client, evidence_dir, plan_106, staff):
    Plan.objects.filter(pk=plan_106.pk).update(submission_due=timezone.localdate() - timedelta(days=1))
    plan_106.refresh_from_db()
    late = submitted(plan_106, staff)
    assert late.late and late.due_on == plan_106.submission_due
    client.force_login(staff)
    assert "逾期送審" in client.get(page("submissions")).content.decode()
    Submission.objects.filter(pk=late.pk).update(state="returned", decided_at=timezone.now(), decided_by=staff)
    Plan.objects.filter(pk=plan_106.pk).update(submission_due=timezone.localdate())
    assert not submitted(plan_106, staff).late


def test_the_deadline_is_set_on_the_plan_settings_page(client, plan_106, staff):
    client.force_login(staff)
    data = {"closing_date": "", "report_due_day": "5", "lag_threshold": "10", "courtesy_pass_score": "80"}
    response = client.post(
        reverse("measures:plan_settings", kwargs={"year": 106}), {**data, "submission_due": "106年5月31日"}
    )
    assert response.status_code == 302
    plan_106.refresh_from_db()
    assert plan_106.submission_due == date(2017, 5, 31)
    assert "書面資料送審期限：未訂 → 106/05/31" in client.get(response.url).content.decode()


# ---------------------------------------------------------------- refusals: a Chinese error, nothing written


def refused(client, evidence_dir, plan, build_pk, message):
    before = (Submission.objects.count(), SubmissionFile.objects.count(), stored_files(evidence_dir))
    response = client.post(page("submission_new"), {"build": build_pk} if build_pk else {})
    assert response.status_code == 400
    assert message in response.content.decode() and "尚未送出任何資料" in response.content.decode()
    assert (Submission.objects.count(), SubmissionFile.objects.count(), stored_files(evidence_dir)) == before


def test_it_refuses_without_a_finished_build(client, evidence_dir, plan_106, staff):
    client.force_login(staff)
    confirm = client.get(page("submission_new")).content.decode()
    assert "尚無製作完成的佐證資料冊：請先製作佐證資料冊再送審。" in confirm and "確認送審" not in confirm
    refused(client, evidence_dir, plan_106, None, "請重新開啟送審確認頁。")
    with pytest.raises(SubmissionError, match="此佐證資料冊尚未製作完成（失敗）"):
        submission_create(plan=plan_106, build=make_build(plan_106, staff, state=BinderBuild.State.FAILED), user=staff)
    assert not Submission.objects.exists()


@pytest.mark.parametrize("state", [BinderBuild.State.QUEUED, BinderBuild.State.RUNNING, BinderBuild.State.FAILED])
def test_it_refuses_a_build_that_is_not_finished(client, evidence_dir, plan_106, staff, state):
    make_build(plan_106, staff)  # an earlier finished one: the page offers it, the post names the other
    build = make_build(plan_106, staff, state=state)
    client.force_login(staff)
    refused(client, evidence_dir, plan_106, build.pk, "此佐證資料冊尚未製作完成")


def test_it_refuses_once_the_year_is_closed(client, evidence_dir, plan_106, staff):
    build = make_build(plan_106, staff)
    Plan.objects.filter(pk=plan_106.pk).update(closing_date=None)  # 107/01/31, long past
    client.force_login(staff)
    assert "本年度計畫已於 107/01/31 結算，不能再送審。" in client.get(page("submission_new")).content.decode()
    refused(client, evidence_dir, plan_106, build.pk, "本年度計畫已於 107/01/31 結算，不能再送審。")


def test_it_refuses_while_the_previous_one_waits_and_after_acceptance(client, evidence_dir, plan_106, staff, bureau):
    first = submitted(plan_106, staff)
    client.force_login(staff)
    refused(client, evidence_dir, plan_106, first.build_id, "第 1 次送審尚待警察局審查，審查後才能再送審。")
    submission_decide(submission=first, user=bureau, accept=True, comment="")
    refused(client, evidence_dir, plan_106, first.build_id, "本計畫的書面資料已於")
    assert "不再送審" in client.get(page("submission_new")).content.decode()


def test_another_plans_build_is_not_found(client, evidence_dir, plan_106, staff):
    other = Plan.objects.create(
        organization=plan_106.organization,
        year=107,
        title="107 年計畫",
        start_date=date(2018, 1, 1),
        end_date=date(2018, 12, 31),
    )
    client.force_login(staff)
    assert client.post(page("submission_new"), {"build": make_build(other, staff).pk}).status_code == 404
    assert not Submission.objects.exists()


# ---------------------------------------------------------------- the bureau's decision


def test_the_bureau_returns_then_accepts_the_corrected_submission(client, evidence_dir, plan_106, staff, bureau):
    first = submitted(plan_106, staff)
    client.force_login(bureau)
    assert "審查（退回補正或核定）" in client.get(page("submission", first)).content.decode()
    assert client.get(page("submission_decide", first)).status_code == 200
    confirm = client.post(page("submission_decide", first), {"decision": "return", "comment": "請補充照片"})
    assert confirm.status_code == 200 and "確定要將第 1 次送審" in confirm.content.decode()
    assert Submission.objects.get().is_pending  # not yet: only the confirmation decides
    done = client.post(
        page("submission_decide", first), {"decision": "return", "comment": "請補充照片", "confirmed": "1"}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.state == Submission.State.RETURNED and first.decided_by == bureau and first.comment == "請補充照片"
    assert first.history.latest().history_user == bureau

    client.force_login(staff)
    listing = client.get(page("submissions")).content.decode()
    assert "退回補正" in listing and "請補充照片" in listing
    client.post(page("submission_new"), {"build": make_build(plan_106, staff).pk})
    second = Submission.objects.get(number=2)
    assert second.is_pending

    client.force_login(bureau)
    client.post(page("submission_decide", second), {"decision": "accept", "comment": "", "confirmed": "1"})
    second.refresh_from_db()
    assert second.state == Submission.State.ACCEPTED and second.decided_at is not None
    after = client.get(page("submission_decide", second), follow=True)
    assert "第 2 次送審已審查（已核定），不能再審查。" in after.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "return", "comment": ""}, "comment", "退回補正須填寫審查意見，說明需補正之處。"),
        ({"decision": "return", "comment": "   \n "}, "comment", "退回補正須填寫審查意見，說明需補正之處。"),
        (
            {"decision": "return", "comment": "", "confirmed": "1"},
            "comment",
            "退回補正須填寫審查意見，說明需補正之處。",
        ),
        ({"decision": "return", "comment": "請\x00補正", "confirmed": "1"}, "comment", "無法儲存的控制字元"),
        ({"comment": "好"}, "decision", "請選擇退回補正或核定。"),
        ({"decision": "maybe", "comment": "好"}, "decision", "請選擇退回補正或核定。"),
    ],
)
def test_a_bad_decision_is_answered_beside_its_field_and_writes_nothing(
    client, evidence_dir, plan_106, staff, bureau, data, field, message
):
    submission = submitted(plan_106, staff)
    client.force_login(bureau)
    response = client.post(page("submission_decide", submission), data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    html = response.content.decode()
    # The error is printed on the page, beside its field (crispy's error id), not only kept in the form.
    assert message in html and f'id="error_1_id_{field}"' in html
    stored = Submission.objects.get()
    assert stored.is_pending and stored.comment == "" and stored.decided_by is None
    assert stored.history.count() == 1
