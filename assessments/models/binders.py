"""書面資料送審的佐證資料冊：研考承辦依評核重點挑選的佐證資料，於背景作業合併為一份 PDF 與原始檔 zip。"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from measures.models.evidence import evidence_storage

WAIT_NOTICE_AFTER = timedelta(minutes=5)  # a build waits seconds for a running worker
ABANDONED_AFTER = timedelta(hours=1)  # a build of 500 MB takes under a minute


class BinderBuild(models.Model):
    """One build of a plan's binder: queued by 研考承辦, run by a django-tasks worker, its PDF and zip kept
    (in the evidence storage, never public) so that earlier builds stay downloadable and a submission can
    point at the build it sent. At most one build of a plan is queued or running at a time."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排隊中")
        RUNNING = "running", _("製作中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失敗")

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="binder_builds", verbose_name=_("計畫")
    )
    as_of = models.DateField(_("資料基準日"))
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申請者")
    )
    requested_at = models.DateTimeField(_("申請時間"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始時間"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成時間"), null=True, blank=True)
    task_id = models.CharField(_("背景作業編號"), max_length=64, blank=True)
    steps_done = models.PositiveIntegerField(_("已完成步驟"), default=0)
    steps_total = models.PositiveIntegerField(_("步驟總數"), default=0)
    message = models.TextField(_("訊息"), blank=True)
    pdf = models.FileField(_("資料冊 PDF"), storage=evidence_storage, max_length=200, blank=True)
    pdf_size = models.PositiveBigIntegerField(_("PDF 大小（位元組）"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    archive = models.FileField(_("原始檔 zip"), storage=evidence_storage, max_length=200, blank=True)
    archive_size = models.PositiveBigIntegerField(_("zip 大小（位元組）"), null=True, blank=True)
    archive_sha256 = models.CharField(_("zip SHA-256"), max_length=64, blank=True)
    manifest = models.JSONField(_("檔案清單"), default=list, blank=True)
    pages = models.PositiveIntegerField(_("PDF 頁數"), null=True, blank=True)

    class Meta:
        verbose_name = _("佐證資料冊製作")
        verbose_name_plural = _("佐證資料冊製作")
        ordering = ["plan", "-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state__in=["queued", "running"]),
                name="binder_one_build_in_progress_per_plan",
                violation_error_message=_("此計畫的佐證資料冊正在製作中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}：佐證資料冊（{self.get_state_display()}）"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    def waits_long(self, now: datetime) -> bool:
        """Queued for minutes and not started: no background worker seems to be running."""
        return self.state == self.State.QUEUED and self.requested_at < now - WAIT_NOTICE_AFTER

    def abandoned_reason(self, now: datetime) -> str:
        """Why this build no longer holds the plan, or "" while it may still finish: a build still queued an hour
        after it was asked for (no worker took it), or running for an hour (its worker stopped mid-build)."""
        if self.state == self.State.QUEUED and self.requested_at < now - ABANDONED_AFTER:
            return (
                "排隊逾一小時仍未開始（背景作業程式可能未執行），已取消；請重新製作，或請系統管理者確認背景作業程式。"
            )
        if self.state == self.State.RUNNING and self.started_at is not None and self.started_at < now - ABANDONED_AFTER:
            return "製作逾一小時未完成（背景作業可能已中斷），已停止；請重新製作。"
        return ""
