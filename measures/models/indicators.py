"""績效指標：如「106 年目標值 20 場（105 年實際值 20 場）」。"""

from decimal import Decimal

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def _number(value: Decimal) -> str:
    """20.00 → 20, 14000 → 14,000, 12.50 → 12.5."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


class IndicatorQuerySet(models.QuerySet):
    def for_measure_page(self) -> "IndicatorQuerySet":
        """Each indicator with how many 教育訓練 sessions count toward it (`from_training`: its actual value is
        computed from them, not reported)."""
        return self.annotate(from_training=Count("training_sessions"))


class Indicator(models.Model):
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("措施"))
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    name = models.CharField(_("指標名稱"), max_length=200)
    unit = models.CharField(_("單位"), max_length=20, help_text=_("如 場、人次、支、%"))
    baseline_year = models.PositiveSmallIntegerField(_("基準年（民國）"), null=True, blank=True)
    baseline_value = models.DecimalField(_("基準年實際值"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("目標值"), max_digits=14, decimal_places=2)
    retired_at = models.DateTimeField(_("停用時間"), null=True, blank=True)
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("績效指標")
        verbose_name_plural = _("績效指標")
        # By the parent's id, not through it: naming the foreign key sorted by the measure's own ordering, which
        # joined up to the plan and its organisation on every read of a measure's indicators.
        ordering = ["measure_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gte=0), name="indicator_target_non_negative", violation_error_message=_("目標值不可為負數。")),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_year__isnull=False, baseline_value__isnull=False),
                name="indicator_baseline_year_and_value", violation_error_message=_("基準年與基準年實際值須同時填寫或同時留空。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def target_display(self, plan_year: int) -> str:
        """106 年目標值 20 場（105 年實際值 20 場）."""
        text = f"{plan_year} 年目標值 {_number(self.target_value)} {self.unit}"
        if self.baseline_year is not None and self.baseline_value is not None:
            text += f"（{self.baseline_year} 年實際值 {_number(self.baseline_value)} {self.unit}）"
        return text
