"""年度計畫與其重要期程。"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc

ROC_OFFSET = 1911


class PlanQuerySet(models.QuerySet):
    def for_year(self, roc_year: int) -> "PlanQuerySet":
        return self.filter(year=roc_year)


class Plan(models.Model):
    organization = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="plans", verbose_name=_("機關")
    )
    year = models.PositiveSmallIntegerField(_("年度（民國）"), help_text=_("例如 106"))
    title = models.CharField(_("計畫名稱"), max_length=200)
    basis = models.TextField(_("計畫依據"), blank=True)
    objectives = models.TextField(_("計畫目標"), blank=True)
    scope = models.TextField(_("執行對象"), blank=True)
    content_intro = models.TextField(_("計畫內容說明"), blank=True)
    steps = models.TextField(_("執行步驟"), blank=True)
    evaluation = models.TextField(_("考核獎懲作業"), blank=True)
    amendment = models.TextField(_("附則"), blank=True)
    start_date = models.DateField(_("執行期程起日"))
    end_date = models.DateField(_("執行期程迄日"))
    lag_threshold = models.PositiveSmallIntegerField(
        _("落後門檻（百分點）"),
        default=10,
        help_text=_("實際進度低於預定進度達此百分點數時列為落後。"),
    )
    courtesy_pass_score = models.PositiveSmallIntegerField(
        _("電話禮貌測試及格分數"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("單位最近一次電話禮貌測試低於此分數時，列入下次管制考核。"),
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度計畫")
        verbose_name_plural = _("年度計畫")
        ordering = ["organization", "-year"]
        # The pages find a plan by year (and the navigation the newest year) across every organisation a
        # national user may read: without it each page sorted every plan of every year.
        indexes = [models.Index(fields=["year"], name="plan_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="plan_one_per_organization_year", violation_error_message=_("此機關已有該年度的計畫。")),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="plan_end_after_start", violation_error_message=_("執行期程迄日不可早於起日。")),
            models.CheckConstraint(condition=Q(year__gte=1), name="plan_year_roc", violation_error_message=_("年度須為民國 1 年以後。")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_display(self) -> str:
        return f"{format_roc(self.start_date, 'long')}至{format_roc(self.end_date, 'long')}"


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("計畫"))
    date = models.DateField(_("日期"))
    month_only = models.BooleanField(
        _("僅指定月份"), default=False, help_text=_("計畫只寫到月份（如 106 年 5 月份）時勾選，日期填該月 1 日。")
    )
    title = models.CharField(_("事項"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重要期程")
        verbose_name_plural = _("重要期程")
        ordering = ["plan", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date", "title"], name="milestone_unique_per_plan", violation_error_message=_("此計畫在同一天已有相同的期程事項。")),
        ]

    def __str__(self) -> str:
        return f"{self.when_display} {self.title}"

    @property
    def when_display(self) -> str:
        return format_roc(self.date, "month" if self.month_only else "slash")
