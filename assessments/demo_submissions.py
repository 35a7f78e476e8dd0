"""書面資料送審 in the current year's demo (`setup_demo`): the plan's 送審期限 set in January, a small finished binder
build (a one-page PDF and a zip of a few reports' evidence; the real builder's output replaces it), a first
submission in May that the bureau returned with a comment, and a second one, sent after the deadline, pending.

Each step on its own date (`demo_timeline.run_at`); steps still in the future are left out. Idempotent: nothing is
added when the plan already has a submission."""

import hashlib
import io
import json
import uuid
import zipfile
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from diagnosis.models import Plan
from measures.models import Evidence
from measures.models.evidence import evidence_storage
from measures.plan_settings import plan_settings_save
from sq_portal.roc_dates import ROC_OFFSET

from .demo_files import pdf_bytes
from .demo_timeline import moment, run_at
from .demo_year import ORGANIZATION, SOURCE_YEAR, STAFF_ACCOUNT
from .models import BinderBuild, Submission
from .submission_writes import submission_create, submission_decide

BUREAU_ACCOUNT = "bureau"
RETURN_COMMENT = "附表2「服務友善」措施缺少本年度辦理成果，請補充佐證資料（如照片、統計表）後再送審。"


def demo_build(plan: Plan, user, *, as_of: date, evidence: list[Evidence]) -> BinderBuild:
    """A finished build of `plan` made on the spot: a one-page PDF and a zip of `evidence` with its manifest."""
    storage = evidence_storage()
    manifest = [
        {
            "path": f"{e.report.measure.item.name}/{e.report.unit.name}-{e.original_name}",
            "size": e.size,
            "sha256": e.sha256,
            "unit": e.report.unit.name,
            "measure": e.report.measure.name,
            "period": e.report.period.isoformat(),
        }
        for e in evidence
    ]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for entry, e in zip(manifest, evidence, strict=True):
            with e.open_file() as source:
                zipped.writestr(entry["path"], source.read())
        zipped.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    pdf = pdf_bytes(
        [
            f"Binder of plan {plan.year} ({plan.organization.code})",
            f"As of {as_of.isoformat()}",
            f"{len(evidence)} evidence files",
        ]
    )
    now = timezone.now()
    files = {}
    for kind, data in (("pdf", pdf), ("archive", archive.getvalue())):
        name = storage.save(f"binders/{uuid.uuid4().hex}.{'pdf' if kind == 'pdf' else 'zip'}", ContentFile(data))
        files[kind] = (name, len(data), hashlib.sha256(data).hexdigest())
    return BinderBuild.objects.create(
        plan=plan,
        as_of=as_of,
        state=BinderBuild.State.DONE,
        requested_by=user,
        started_at=now,
        finished_at=now,
        steps_done=len(evidence) + 1,
        steps_total=len(evidence) + 1,
        message="示範用的佐證資料冊。",
        pdf=files["pdf"][0],
        pdf_size=files["pdf"][1],
        pdf_sha256=files["pdf"][2],
        archive=files["archive"][0],
        archive_size=files["archive"][1],
        archive_sha256=files["archive"][2],
        manifest=manifest,
    )


def demo_submissions_create() -> str:
    """The demo plan's submissions (see the module's docstring); what was done, in Chinese."""
    plan = (
        Plan.objects.filter(organization__code=ORGANIZATION, year__gt=SOURCE_YEAR)
        .select_related("organization")
        .order_by("-year")
        .first()
    )
    if plan is None:
        return "沒有今年度的示範計畫，未建立書面資料送審。"
    if Submission.objects.filter(plan=plan).exists():
        return "書面資料送審已存在，未變更。"
    users = get_user_model().objects.in_bulk([STAFF_ACCOUNT, BUREAU_ACCOUNT], field_name="username")
    staff, bureau = users.get(STAFF_ACCOUNT), users.get(BUREAU_ACCOUNT)
    if staff is None or bureau is None:
        return "找不到示範帳號，未建立書面資料送審。"
    western = plan.year + ROC_OFFSET
    now = timezone.now()
    evidence = list(
        Evidence.objects.filter(report__measure__plan=plan)
        .select_related("report__measure__item", "report__unit")
        .order_by("report__period", "pk")[:6]
    )

    def happened(day: date, hour: int) -> bool:
        return moment(day, hour) < now

    if not happened(date(western, 6, 3), 14) or len(evidence) < 6:
        return "今年度的示範尚未到書面資料送審的月份，未建立送審。"
    run_at(
        moment(date(western, 1, 6), 15),
        lambda: plan_settings_save(
            plan=plan,
            user=staff,
            closing_date=plan.closing_date,
            report_due_day=plan.report_due_day,
            lag_threshold=plan.lag_threshold,
            courtesy_pass_score=plan.courtesy_pass_score,
            submission_due=date(western, 5, 31),
        ),
    )
    first_build = run_at(
        moment(date(western, 5, 18), 16),
        lambda: demo_build(plan, staff, as_of=date(western, 4, 30), evidence=evidence[:4]),
    )
    first = run_at(
        moment(date(western, 5, 20), 10), lambda: submission_create(plan=plan, build=first_build, user=staff)
    )
    run_at(
        moment(date(western, 5, 27), 15),
        lambda: submission_decide(submission=first, user=bureau, accept=False, comment=RETURN_COMMENT),
    )
    # The correction: two more files, one replaced.
    second_build = run_at(
        moment(date(western, 6, 2), 17),
        lambda: demo_build(plan, staff, as_of=date(western, 5, 31), evidence=evidence[1:]),
    )
    run_at(moment(date(western, 6, 3), 10), lambda: submission_create(plan=plan, build=second_build, user=staff))
    return "已建立書面資料送審：第 1 次已退回補正，第 2 次（逾期）待警察局審查。"
