"""組織診斷：診斷梯次、各單位自評、評分、問題與改善（轉成措施草案見 measures.models.drafts）。

- `DiagnosisRound`：研考承辦為一個年度計畫開啟的一次組織診斷（開始日、截止日、進行中／已結束）；
  開啟時為計畫機關的每個下屬單位建立一份 `UnitDiagnosis`（草稿）。
- `UnitDiagnosis`：一個單位在一次診斷的自評；草稿只有該單位主管看得到，送出後研考承辦與檢視者可讀。
- `DiagnosisAnswer`：對一個評核重點的分數（0 至該重點配分）、發現的問題與改善方向。

分數一律由 `diagnosis.scores` 計算。"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["DiagnosisRound", "UnitDiagnosis", "DiagnosisAnswer"]


class DiagnosisRoundQuerySet(models.QuerySet):
    def with_unit_counts(self) -> "DiagnosisRoundQuerySet":
        """Each round with how many units there are (`unit_count`) and have submitted (`submitted_count`)."""
        return self.annotate(
            unit_count=Count("unit_diagnoses"),
            submitted_count=Count("unit_diagnoses", filter=Q(unit_diagnoses__state=UnitDiagnosis.State.SUBMITTED)),
        )

    def for_list(self) -> "DiagnosisRoundQuerySet":
        """Rounds newest first, with who opened them and how many units there are and have submitted (one query)."""
        return self.with_unit_counts().select_related("created_by").order_by("-opens_on", "-pk")


class DiagnosisRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("進行中")
        CLOSED = "closed", _("已結束")

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="diagnosis_rounds", verbose_name=_("計畫")
    )
    title = models.CharField(_("診斷名稱"), max_length=200, help_text=_("如「106年上半年組織診斷」"))
    opens_on = models.DateField(_("開始日期"))
    due_on = models.DateField(_("填報截止日"))
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建立者")
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    closed_at = models.DateTimeField(_("結束時間"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DiagnosisRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("組織診斷")
        verbose_name_plural = _("組織診斷")
        ordering = ["plan", "-opens_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="open"),
                name="diagnosis_round_one_open_per_plan",
                violation_error_message=_("此計畫已有進行中的組織診斷，請先結束。"),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="diagnosis_round_due_after_open",
                violation_error_message=_("填報截止日不可早於開始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class UnitDiagnosisQuerySet(models.QuerySet):
    def for_round(self) -> "UnitDiagnosisQuerySet":
        """The units of a round in tree order, with the unit, who submitted and who returned it joined (one query)."""
        return self.select_related("unit", "submitted_by", "returned_by").order_by("unit__position", "unit__path", "pk")

    def submitted(self) -> "UnitDiagnosisQuerySet":
        return self.filter(state=UnitDiagnosis.State.SUBMITTED)


class UnitDiagnosis(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("未送出")
        SUBMITTED = "submitted", _("已送出")

    round = models.ForeignKey(
        DiagnosisRound, on_delete=models.CASCADE, related_name="unit_diagnoses", verbose_name=_("組織診斷")
    )
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="diagnoses", verbose_name=_("單位")
    )
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("送出者"),
    )
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    return_reason = models.TextField(
        _("退回原因"),
        blank=True,
        help_text=_("研考承辦退回已送出的自評時填寫，顯示給單位主管；單位再次送出時清除（歷史紀錄仍保留）。"),
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("退回者"),
    )
    returned_at = models.DateTimeField(_("退回時間"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = UnitDiagnosisQuerySet.as_manager()

    class Meta:
        verbose_name = _("單位自評")
        verbose_name_plural = _("單位自評")
        ordering = ["round", "unit__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="unit_diagnosis_one_per_round",
                violation_error_message=_("同一單位在一次組織診斷只有一份自評。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}／{self.unit}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def is_returned(self) -> bool:
        """A draft again because staff sent it back (with a reason) after it was submitted."""
        return not self.is_submitted and bool(self.return_reason)


class DiagnosisAnswer(models.Model):
    unit_diagnosis = models.ForeignKey(
        UnitDiagnosis, on_delete=models.CASCADE, related_name="answers", verbose_name=_("單位自評")
    )
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint", on_delete=models.RESTRICT, related_name="diagnosis_answers", verbose_name=_("評核重點")
    )
    score = models.PositiveSmallIntegerField(
        _("分數"), null=True, blank=True, help_text=_("0 至該評核重點的配分；草稿可暫不填。")
    )
    problems = models.TextField(_("發現的問題"), blank=True)
    improvements = models.TextField(_("改善方向"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("自評項目")
        verbose_name_plural = _("自評項目")
        ordering = ["unit_diagnosis", "focus_point__item__dimension__position", "focus_point__item__position", "focus_point__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_diagnosis", "focus_point"],
                name="diagnosis_answer_one_per_focus_point",
                violation_error_message=_("同一份自評對每個評核重點只有一筆。"),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="diagnosis_answer_score_not_negative",
                violation_error_message=_("分數不可為負數。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_diagnosis}／{self.focus_point_id}"
