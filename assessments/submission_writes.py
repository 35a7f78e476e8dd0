"""Service functions of 書面資料送審: a precinct's 研考承辦 send the plan (its 附表2 and 附表1, generated now, and a
finished binder build) as one frozen submission; the bureau's 研考承辦 return it (退回補正, with a comment) or
accept it (核定). A submission is written once; the decision is set once; nothing else ever changes it."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from diagnosis.access import plan_access
from diagnosis.models import Plan
from measures.exporters import Form1Exporter, Form2Exporter
from measures.models import Measure
from measures.models.evidence import evidence_storage
from sq_portal.sheets import RENDERERS

from .models import BinderBuild, Submission, SubmissionFile
from .submissions import decider_refusal, decision_refusal, latest_submission, submission_refusal

FORMS = ((Form2Exporter, Measure.Source.FORM2, "form2"), (Form1Exporter, Measure.Source.FORM1, "form1"))


class SubmissionError(Exception):
    """The plan cannot be sent (or the submission decided) now; the message says why, in Chinese."""


def measure_snapshot(exporter, source: str) -> list[dict]:
    """The exporter's measures as the submission keeps them (what the 附表 printed, keyed by the measure's id)."""
    return [
        {
            "id": m.measure_id,
            "source": source,
            "dimension": m.dimension_name,
            "item": m.item_name,
            "focus_point": m.focus_point_name,
            "name": m.name,
            "content": m.content,
            "units": m.units,
            "deadline": m.deadline_display,
        }
        for m in exporter.measures
    ]


def submission_create(*, plan: Plan, build: BinderBuild, user) -> Submission:
    """Send `build` with the plan's 附表 as they are now: the next numbered submission, its 附表2 and 附表1 rendered
    in every format the export pages offer and stored with their size and SHA-256, and a snapshot of the measures
    and of the build's manifest. SubmissionError and nothing written (no row, no file) when the plan may not be
    sent now (`submission_refusal`)."""
    stored: list[str] = []
    storage = evidence_storage()
    try:
        with transaction.atomic():
            # Locking the plan serialises two submissions of it (and a decision's check against a new one).
            plan = Plan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
            build = BinderBuild.objects.filter(pk=build.pk, plan=plan).first()
            latest = latest_submission(plan)
            refusal = submission_refusal(plan, build, latest) if build is not None else "找不到此佐證資料冊。"
            if refusal:
                raise SubmissionError(refusal)
            now = timezone.now()
            number = (Submission.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0) + 1
            exporters = [(exporter_class(plan), source, prefix) for exporter_class, source, prefix in FORMS]
            submission = Submission(
                plan=plan,
                number=number,
                build=build,
                submitted_by=user,
                submitted_at=now,
                due_on=plan.submission_due,
                late=plan.is_submission_late(now),
                measures=[row for exporter, source, _ in exporters for row in measure_snapshot(exporter, source)],
                manifest=list(build.manifest),
            )
            submission._history_user = user
            submission.save()
            for exporter, _, prefix in exporters:
                for extension, renderer_class in RENDERERS.items():
                    renderer = renderer_class()
                    data = renderer.render(exporter)
                    name = storage.save(SubmissionFile.storage_name(extension), ContentFile(data))
                    stored.append(name)
                    frozen = SubmissionFile(
                        submission=submission,
                        kind=f"{prefix}-{extension}",
                        file=name,
                        download_name=f"第{number}次送審-{exporter.filename(extension)}",
                        content_type=renderer.content_type,
                        size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                    )
                    frozen._history_user = user
                    frozen.save()
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return submission


def decision_errors(*, accept: bool, comment: str) -> dict[str, str]:
    """What is wrong with this decision, by field (Chinese): a return says what to correct."""
    if not accept and not comment.strip():
        return {"comment": "退回補正須填寫審查意見，說明需補正之處。"}
    return {}


@transaction.atomic
def submission_decide(*, submission: Submission, user, accept: bool, comment: str) -> Submission:
    """The bureau's decision on a pending submission: 核定 (`accept`) or 退回補正 (a comment required), set once,
    in its history as `user`'s; only by whom `PlanAccess.decides_submissions` names (never the organisation's own
    staff). ValidationError (by field) or SubmissionError, and nothing written, otherwise."""
    refusal = decider_refusal(plan_access(user, submission.plan))
    if refusal:
        raise SubmissionError(refusal)
    errors = decision_errors(accept=accept, comment=comment)
    if errors:
        raise ValidationError(errors)
    comment = comment.strip()
    stored = Submission.objects.select_for_update().get(pk=submission.pk)
    refusal = decision_refusal(stored)
    if refusal:
        raise SubmissionError(refusal)
    stored.state = Submission.State.ACCEPTED if accept else Submission.State.RETURNED
    stored.decided_by = user
    stored.decided_at = timezone.now()
    stored.comment = comment
    stored._history_user = user
    stored.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    return stored
