"""書面資料送審, what the pages read: who sees which submission (the plan's 研考承辦 and 檢視者, and the bureau's
above it; unit heads and other precincts get 404), what may be sent now and why not, the frozen files of a
submission, and what changed since the previous one."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404

from diagnosis.access import PlanAccess, plan_access
from diagnosis.models import Plan
from measures.models import Measure
from measures.models.evidence import evidence_storage
from sq_portal.lookups import one_or_none
from sq_portal.roc_dates import format_roc

from .models import BinderBuild, Submission, SubmissionFile

# The snapshot's fields of a measure, as the page names them when one changed.
MEASURE_FIELDS = {
    "dimension": "構面",
    "item": "評核項目",
    "focus_point": "評核重點",
    "name": "措施名稱",
    "content": "措施內容",
    "units": "承辦單位",
    "deadline": "完成期限",
}
SOURCE_LABELS = {Measure.Source.FORM2: "附表2", Measure.Source.FORM1: "附表1"}


# ---------------------------------------------------------------- who sees and decides


def require_reader(access: PlanAccess) -> None:
    """Submissions are read by the plan's 研考承辦 and 檢視者 and the bureau's above them; a unit head, who
    reads the plan but not its submissions, gets 404 (as for anything outside their unit)."""
    if not access.reads_all:
        raise Http404("找不到此計畫的書面資料送審。")


def require_submitter(access: PlanAccess) -> None:
    require_reader(access)
    if not access.submits_to_bureau:
        raise PermissionDenied("只有本機關的研考承辦可以送審。")


def decider_refusal(access: PlanAccess | None) -> str | None:
    """Why the user may not decide the plan's submissions (`PlanAccess.decides_submissions`), in Chinese; None
    when they may."""
    if access is not None and access.decides_submissions:
        return None
    if access is not None and access.own_staff:
        return "您是本機關的研考承辦，不能審查本機關的送審；請由上級機關（警察局）的其他研考承辦審查。"
    return "只有上級機關（警察局）的研考承辦可以審查送審。"


def require_decider(access: PlanAccess) -> None:
    refusal = decider_refusal(access)
    if refusal:
        raise PermissionDenied(refusal)


def get_submission_for_user(user, year: int, pk: int) -> tuple[PlanAccess, Submission]:
    """A submission of a plan of `year` the user reads whole, with the user's rights on its plan; 404 otherwise
    (another precinct's, a unit head's)."""
    submission = one_or_none(
        Submission.objects.filter(pk=pk, plan__year=year).select_related(
            "plan__organization__parent", "build", "submitted_by", "decided_by"
        )
    )
    access = plan_access(user, submission.plan) if submission is not None else None
    if access is None or not access.reads_all:
        raise Http404("找不到此次送審。")
    return access, submission


# ---------------------------------------------------------------- the lists


def plan_submissions(plan: Plan) -> list[Submission]:
    """Every submission of the plan, the newest first (one query)."""
    return list(Submission.objects.filter(plan=plan).for_list().order_by("-number"))


@dataclass(frozen=True)
class BureauRow:
    plan: Plan
    latest: Submission | None

    @property
    def order(self) -> int:
        """Pending first, then returned, not yet sent, accepted."""
        if self.latest is None:
            return 2
        return {Submission.State.SUBMITTED: 0, Submission.State.RETURNED: 1}.get(self.latest.state, 3)


def bureau_rows(user, year: int) -> list[BureauRow]:
    """Each precinct's plan of `year` below a unit where the user is 研考承辦 or 檢視者 (`PlanQuerySet.read_from_above`,
    the same rule as 各機關進度比較) with its latest submission, pending first (two queries whatever the number of
    plans); 404 when there is none (a precinct's own staff, unit heads)."""
    plans = Plan.objects.filter(year=year).read_from_above(user)
    latest = {s.plan_id: s for s in Submission.objects.latest_per_plan(plans).for_list()}
    rows = [BureauRow(plan, latest.get(plan.pk)) for plan in plans.select_related("organization").order_by()]
    if not rows:
        raise Http404("找不到此頁。")
    return sorted(rows, key=lambda row: (row.order, row.plan.organization.tree_order))


# ---------------------------------------------------------------- what may be sent


def latest_submission(plan: Plan) -> Submission | None:
    return Submission.objects.filter(plan=plan).order_by("-number").first()


def accepted_submission(plan: Plan) -> Submission | None:
    """The plan's submission the bureau accepted (核定), with its build: what a scoring round's reviewers read."""
    return (
        Submission.objects.filter(plan=plan, state=Submission.State.ACCEPTED)
        .select_related("build", "plan", "decided_by")
        .order_by("-number")
        .first()
    )


def form_counts(plan: Plan) -> dict[str, int]:
    """The plan's measures in force, by form (Measure.Source value → count; one query)."""
    counted = (
        Measure.objects.filter(plan=plan, retired_at__isnull=True)
        .order_by()
        .values_list("source")
        .annotate(n=Count("pk"))
    )
    return dict.fromkeys(Measure.Source.values, 0) | dict(counted)


def latest_finished_build(plan: Plan) -> BinderBuild | None:
    return BinderBuild.objects.filter(plan=plan, state=BinderBuild.State.DONE).order_by("-finished_at", "-pk").first()


def submission_refusal(plan: Plan, build: BinderBuild | None, latest: Submission | None) -> str | None:
    """Why `build` may not be sent for `plan` now, in Chinese (`latest`: the plan's newest submission); None when
    it may."""
    if plan.is_closed():
        return f"本年度計畫已於 {format_roc(plan.closes_on)} 結算，不能再送審。"
    if latest is not None and latest.state == Submission.State.SUBMITTED:
        return f"第 {latest.number} 次送審尚待警察局審查，審查後才能再送審。"
    if latest is not None and latest.state == Submission.State.ACCEPTED:
        return f"本計畫的書面資料已於 {format_roc(latest.decided_local)} 核定，不再送審。"
    if build is None:
        return "尚無製作完成的佐證資料冊：請先製作佐證資料冊再送審。"
    if build.state != BinderBuild.State.DONE or not build.pdf:
        return f"此佐證資料冊尚未製作完成（{build.get_state_display()}），不能送審。"
    return None


def decision_refusal(submission: Submission) -> str | None:
    """Why the submission may not be decided (it already was, once); None while it waits."""
    if submission.is_pending:
        return None
    return f"第 {submission.number} 次送審已審查（{submission.get_state_display()}），不能再審查。"


# ---------------------------------------------------------------- the frozen files


@dataclass(frozen=True)
class FrozenFile:
    """A file a submission sent: a 附表 generated at submission time, or the binder's PDF or zip."""

    kind: str
    label: str
    download_name: str
    content_type: str
    size: int | None
    sha256: str
    name: str  # in the evidence storage

    def open_file(self):
        return evidence_storage().open(self.name, "rb")


def frozen_files(submission: Submission) -> list[FrozenFile]:
    """The submission's files, the 附表 then the binder (one query; the build is already joined)."""
    found = [
        FrozenFile(f.kind, f.get_kind_display(), f.download_name, f.content_type, f.size, f.sha256, f.file.name)
        for f in SubmissionFile.objects.filter(submission=submission).order_by("pk")
    ]
    build, year = submission.build, submission.plan.year
    if build.pdf:
        found.append(
            FrozenFile(
                "binder-pdf",
                "佐證資料冊（PDF）",
                f"{year}年書面資料送審-佐證資料冊.pdf",
                "application/pdf",
                build.pdf_size,
                build.pdf_sha256,
                build.pdf.name,
            )
        )
    if build.archive:
        found.append(
            FrozenFile(
                "binder-zip",
                "佐證資料原始檔（zip）",
                f"{year}年書面資料送審-佐證資料原始檔.zip",
                "application/zip",
                build.archive_size,
                build.archive_sha256,
                build.archive.name,
            )
        )
    return found


def get_frozen_file(submission: Submission, kind: str) -> FrozenFile:
    for frozen in frozen_files(submission):
        if frozen.kind == kind:
            return frozen
    raise Http404("找不到此送審檔案。")


# ---------------------------------------------------------------- what changed since the previous submission


@dataclass(frozen=True)
class MeasureChange:
    source: str
    name: str
    fields: list[str] = field(default_factory=list)  # the changed fields' labels


@dataclass(frozen=True)
class SubmissionChanges:
    previous: Submission | None
    added: list[MeasureChange]
    changed: list[MeasureChange]
    removed: list[MeasureChange]
    files_added: list[dict]
    files_removed: list[dict]

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.files_added or self.files_removed)


def previous_submission(submission: Submission) -> Submission | None:
    return (
        Submission.objects.filter(plan_id=submission.plan_id, number__lt=submission.number).order_by("-number").first()
    )


def measure_key(row: dict) -> tuple[str, int]:
    return row["source"], row["id"]


def file_key(entry: dict) -> tuple[str, str]:
    return entry.get("path", ""), entry.get("sha256", "")


def submission_changes(submission: Submission, previous: Submission | None) -> SubmissionChanges:
    """Measures added, changed (which fields) and removed, and binder files added or removed (by path and
    SHA-256), between `previous` and `submission`; everything is "added" for a first submission."""
    before = {measure_key(row): row for row in (previous.measures if previous else [])}
    after = {measure_key(row): row for row in submission.measures}

    def change(row, fields=()):
        return MeasureChange(SOURCE_LABELS.get(row["source"], row["source"]), row["name"], list(fields))

    changed = []
    for key, row in after.items():
        if key in before:
            fields = [label for name, label in MEASURE_FIELDS.items() if before[key].get(name) != row.get(name)]
            if fields:
                changed.append(change(row, fields))
    old_files = {file_key(e): e for e in (previous.manifest if previous else [])}
    new_files = {file_key(e): e for e in submission.manifest}
    return SubmissionChanges(
        previous=previous,
        added=[change(row) for key, row in after.items() if key not in before],
        changed=changed,
        removed=[change(row) for key, row in before.items() if key not in after],
        files_added=[e for key, e in new_files.items() if key not in old_files],
        files_removed=[e for key, e in old_files.items() if key not in new_files],
    )
