"""進度：每月預定進度（GPMnet 式的累計百分比）與各單位每月填報的執行情形。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc


class PlannedProgress(models.Model):
    """累計預定進度：某措施到某月底應達成的百分比。"""

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="planned_progress", verbose_name=_("措施")
    )
    month = models.DateField(_("月份"), help_text=_("該月 1 日"))
    percent = models.PositiveSmallIntegerField(_("預定進度（%）"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("預定進度")
        verbose_name_plural = _("預定進度")
        # By the parent's id, not through it: naming the foreign key sorted by the measure's own ordering, which
        # joined up to the plan and its organisation on every read of a measure's planned progress.
        ordering = ["measure_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], name="planned_progress_one_per_month", violation_error_message=_("同一月份只能有一筆預定進度。")),
            models.CheckConstraint(condition=Q(percent__lte=100), name="planned_progress_at_most_100", violation_error_message=_("預定進度應介於 0 到 100 之間。")),
            models.CheckConstraint(condition=Q(month__day=1), name="planned_progress_month_start", violation_error_message=_("預定進度的月份須為該月 1 日。")),
        ]

    def __str__(self) -> str:
        return f"{format_roc(self.month, 'month')} {self.percent}%"


class ProgressReportQuerySet(models.QuerySet):
    def for_measure_page(self) -> "ProgressReportQuerySet":
        """Newest month first, units in the tree's order, with each report's unit (its name): what the measure
        page's rows show. Who sent or reviewed it, its actual values and its evidence are on the report's own
        page; the measure page read them too (two users joined, two more queries) without showing them."""
        return self.select_related("unit").order_by("-period", "unit__tree_order")

    def in_review_order(self) -> "ProgressReportQuerySet":
        """The reviewer's workbench order: month, unit in the tree's order, then the measure's 附表 and position."""
        return self.order_by("period", "unit__tree_order", "measure__source", "measure__position", "pk")

    def for_workbench(self) -> "ProgressReportQuerySet":
        """What a workbench row shows: the measure, unit and sender, the indicator values with their indicators,
        the evidence files."""
        return self.select_related("measure", "unit", "submitted_by").prefetch_related(
            models.Prefetch("actuals", queryset=IndicatorActual.objects.select_related("indicator")), "evidence"
        )

    def for_unit_list(self) -> "ProgressReportQuerySet":
        """A unit's 填報紀錄: newest month first, then in plan order, with each report's measure (its name)."""
        return self.select_related("measure").order_by("-period", "measure__position", "pk")

    def visible_to_reviewers(self) -> "ProgressReportQuerySet":
        """What staff and viewers see: everything a unit has sent; drafts stay with the unit."""
        return self.exclude(status=ProgressReport.Status.DRAFT)


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已送出")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已核可")

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="reports", verbose_name=_("措施")
    )
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("填報單位"))
    period = models.DateField(_("填報月份"), help_text=_("該月 1 日"))
    status = models.CharField(_("狀態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(_("執行情形"))
    progress = models.PositiveSmallIntegerField(_("累計執行進度（%）"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("填報人")
    )
    submitted_at = models.DateTimeField(_("送出時間"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("首次送出時間"), null=True, blank=True, help_text=_("第一次送出的時間；退回後再送出不改變。")
    )
    sent_late = models.BooleanField(
        _("逾時填報"), default=False, help_text=_("首次送出晚於該月份的填報期限（計畫所定次月某日）。")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("審核人")
    )
    reviewed_at = models.DateTimeField(_("審核時間"), null=True, blank=True)
    review_comment = models.TextField(_("審核意見"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("進度填報")
        verbose_name_plural = _("進度填報")
        ordering = ["measure", "-period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit", "period"], name="report_one_per_unit_month", violation_error_message=_("此單位該月份已有填報。")),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_at_most_100", violation_error_message=_("執行進度應介於 0 到 100 之間。")),
            models.CheckConstraint(condition=Q(period__day=1), name="report_period_month_start", violation_error_message=_("填報月份須為該月 1 日。")),
        ]
        indexes = [
            models.Index(fields=["unit", "period"], name="report_unit_period_idx"),
            models.Index(fields=["status", "measure"], name="report_status_measure_idx"),
            # 各機關進度比較 asks, for each plan, whether any of its measures' reports changed after its figures.
            models.Index(fields=["measure", "updated_at"], name="report_measure_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}／{self.unit}／{format_roc(self.period, 'month')}"

    @property
    def is_editable_by_unit(self) -> bool:
        """A unit may change its report until staff accept it."""
        return self.status != self.Status.ACCEPTED


class IndicatorActual(models.Model):
    """填報時的指標實際值（累計）。"""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("進度填報"))
    indicator = models.ForeignKey(
        "measures.Indicator", on_delete=models.CASCADE, related_name="actuals", verbose_name=_("績效指標")
    )
    value = models.DecimalField(_("實際值"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標實際值")
        verbose_name_plural = _("指標實際值")
        # By the report's id, not through it: naming the foreign key sorted by the report's own ordering, which
        # joined up through its measure to the plan and its organisation (at N=300, planning the measure page's
        # prefetch of its reports' indicator values took 4 ms for no row). Within a report: the indicators' order.
        ordering = ["report_id", "indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_actual_unique", violation_error_message=_("同一填報的指標實際值不可重複。")),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_actual_non_negative", violation_error_message=_("實際值不可為負數。")),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}：{self.value}"
