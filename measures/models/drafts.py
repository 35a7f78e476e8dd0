"""措施草案：單位主管把組織診斷某一評核重點發現的問題轉成的措施草案，由研考承辦採行（建立附表2措施）或不採行。"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MeasureDraftQuerySet(models.QuerySet):
    def for_list(self) -> "MeasureDraftQuerySet":
        """Pending first, then newest; unit, item with its dimension, focus point, proposer and measure joined."""
        return self.select_related(
            "unit", "item__dimension", "focus_point", "proposed_by", "decided_by", "measure"
        ).order_by(
            models.Case(models.When(state="pending", then=0), default=1), "-proposed_at", "-pk"
        )


class MeasureDraft(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待研考承辦處理")
        ADOPTED = "adopted", _("已採行")
        DECLINED = "declined", _("不採行")

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="measure_drafts", verbose_name=_("計畫")
    )
    item = models.ForeignKey(
        "diagnosis.Item", on_delete=models.RESTRICT, related_name="measure_drafts", verbose_name=_("評核項目")
    )
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="measure_drafts",
        verbose_name=_("評核重點"),
    )
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="measure_drafts", verbose_name=_("提出單位")
    )
    answer = models.ForeignKey(
        "diagnosis.DiagnosisAnswer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measure_drafts",
        verbose_name=_("來源自評"),
    )
    name = models.CharField(_("措施名稱"), max_length=200)
    content = models.TextField(_("措施內容"), blank=True, help_text=_("發現的問題與擬採行的改善作法"))
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出者")
    )
    proposed_at = models.DateTimeField(_("提出時間"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("處理者"),
    )
    decided_at = models.DateTimeField(_("處理時間"), null=True, blank=True)
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("採行後的措施"),
    )
    history = HistoricalRecords(table_name="diagnosis_historicalmeasuredraft")

    objects = MeasureDraftQuerySet.as_manager()

    class Meta:
        db_table = "diagnosis_measuredraft"  # moved from the diagnosis app; the table keeps its name
        verbose_name = _("措施草案")
        verbose_name_plural = _("措施草案")
        ordering = ["plan", "-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.name
