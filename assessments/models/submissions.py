"""書面資料送審：分局研考承辦將附表2、附表1 與佐證資料冊凍結為一次送審，警察局研考承辦退回補正或核定。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.evidence import Evidence, evidence_storage


class SubmissionQuerySet(models.QuerySet):
    def for_list(self) -> "SubmissionQuerySet":
        """With who sent and who decided them joined (the lists print their names)."""
        return self.select_related("submitted_by", "decided_by")

    def latest_per_plan(self, plans) -> "SubmissionQuerySet":
        """The newest submission of each of `plans` (a QuerySet of plans), one query whatever their number."""
        newest = self.model.objects.filter(plan=models.OuterRef("plan")).order_by("-number").values("pk")[:1]
        return self.filter(plan__in=plans, pk=models.Subquery(newest))


class Submission(models.Model):
    """One sending of a plan to the bureau: the binder build it sent, and frozen copies of the 附表 and of their
    measures as they were. Written once; afterwards only the bureau's decision (state, decided_by/at,
    comment) is set, once (`assessments.submission_writes`)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已送審")
        RETURNED = "returned", _("退回補正")
        ACCEPTED = "accepted", _("已核定")

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("計畫")
    )
    number = models.PositiveSmallIntegerField(_("送審次數"), help_text=_("本計畫第幾次送審（1、2、…）。"))
    build = models.ForeignKey(
        "assessments.BinderBuild", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("佐證資料冊")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("送審者")
    )
    submitted_at = models.DateTimeField(_("送審時間"))
    due_on = models.DateField(_("送審期限"), null=True, blank=True, help_text=_("送審當時計畫的書面資料送審期限。"))
    late = models.BooleanField(_("逾期送審"), default=False)
    measures = models.JSONField(_("措施快照"), default=list, help_text=_("送審當時附表2、附表1 的措施。"))
    manifest = models.JSONField(_("佐證資料清單"), default=list, help_text=_("送審之佐證資料冊的檔案清單。"))
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("審查者"),
    )
    decided_at = models.DateTimeField(_("審查時間"), null=True, blank=True)
    comment = models.TextField(_("審查意見"), blank=True)
    history = HistoricalRecords()

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("書面資料送審")
        verbose_name_plural = _("書面資料送審")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="submission_number_per_plan",
                violation_error_message=_("此計畫已有這一次的送審。"),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="submitted"),
                name="submission_one_pending_per_plan",
                violation_error_message=_("此計畫已有一次送審等待警察局審查。"),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="accepted"),
                name="submission_one_accepted_per_plan",
                violation_error_message=_("此計畫的書面資料已核定。"),
            ),
            models.CheckConstraint(
                condition=Q(state="submitted", decided_at__isnull=True)
                | Q(~Q(state="submitted"), decided_at__isnull=False),
                name="submission_decided_when_not_pending",
                violation_error_message=_("已審查的送審須有審查時間。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}：第 {self.number} 次送審（{self.get_state_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def submitted_local(self):
        return timezone.localtime(self.submitted_at)

    @property
    def decided_local(self):
        return timezone.localtime(self.decided_at) if self.decided_at else None


class SubmissionFile(models.Model):
    """A file generated at submission time (附表2 or 附表1, xlsx or ods), kept in the evidence storage with its
    checksum; never changed."""

    class Kind(models.TextChoices):
        FORM2_XLSX = "form2-xlsx", _("附表2（xlsx）")
        FORM2_ODS = "form2-ods", _("附表2（ods）")
        FORM1_XLSX = "form1-xlsx", _("附表1（xlsx）")
        FORM1_ODS = "form1-ods", _("附表1（ods）")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files", verbose_name=_("送審"))
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("檔案"), storage=evidence_storage, max_length=200)
    download_name = models.CharField(_("下載檔名"), max_length=200)
    content_type = models.CharField(_("檔案類型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小（位元組）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("送審檔案")
        verbose_name_plural = _("送審檔案")
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"],
                name="submission_file_one_per_kind",
                violation_error_message=_("此送審已有這種檔案。"),
            ),
        ]

    def __str__(self) -> str:
        return self.download_name

    def open_file(self):
        return evidence_storage().open(self.file.name, "rb")

    @staticmethod
    def storage_name(extension: str) -> str:
        """Evidence's naming rule (a fresh UUID), under a folder of its own."""
        return f"submissions/{Evidence.storage_name(extension)}"
