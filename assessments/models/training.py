"""提升服務品質教育訓練：不定期邀請專家學者對所屬同仁講習（陸、執行步驟 三），各單位參訓人數，
以及其計入的績效指標（如附表1「策略專業職能講習 106 年目標值 20 場」）。"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc

__all__ = ["TrainingAttendance", "TrainingSession", "counts_as_for_unit"]


class CountsAs(models.TextChoices):
    SESSIONS = "sessions", _("場次（每場計 1）")
    ATTENDANCE = "attendance", _("人次（各單位參訓人數合計）")
    HOURS = "hours", _("時數（每場時數合計）")


# An indicator's unit decides how a training session counts toward it (附表1 writes 場, 場次, 人次 …).
UNIT_COUNTS_AS = {
    "場": CountsAs.SESSIONS, "場次": CountsAs.SESSIONS, "班": CountsAs.SESSIONS, "班期": CountsAs.SESSIONS,
    "梯次": CountsAs.SESSIONS, "次": CountsAs.SESSIONS,
    "人次": CountsAs.ATTENDANCE, "人": CountsAs.ATTENDANCE,
    "小時": CountsAs.HOURS, "時": CountsAs.HOURS, "時數": CountsAs.HOURS,
}


def counts_as_for_unit(unit: str) -> CountsAs | None:
    """How a session counts toward an indicator measured in `unit`; None when it cannot (e.g. %)."""
    return UNIT_COUNTS_AS.get((unit or "").strip())


def attendance_total_subquery(unit=None) -> Coalesce:
    """The attendees of the outer session (of `unit` only, when given), as a correlated subquery."""
    rows = TrainingAttendance.objects.filter(session=OuterRef("pk"))
    if unit is not None:
        rows = rows.filter(unit=unit)
    total = rows.order_by().values("session").annotate(total=Sum("attendees")).values("total")
    return Coalesce(Subquery(total, output_field=models.PositiveIntegerField()), 0)


class TrainingSessionQuerySet(models.QuerySet):
    def for_list(self) -> "TrainingSessionQuerySet":
        """Sessions with their organiser, indicator and attendance total (one query)."""
        return (
            self.select_related("organizer", "indicator")
            .annotate(attendance_total=attendance_total_subquery())
            .order_by("-held_on", "-pk")
        )

    def totals(self, unit=None) -> dict:
        """Sessions, hours, attendance (`unit`'s only, when given) and expert-led sessions of this queryset,
        in one aggregate query."""
        result = self.order_by().aggregate(
            sessions=models.Count("pk"),
            hours=Coalesce(Sum("hours"), Decimal(0), output_field=models.DecimalField(max_digits=9, decimal_places=1)),
            experts=models.Count("pk", filter=Q(speaker_is_expert=True)),
            attendance=Coalesce(
                Sum(attendance_total_subquery(unit)), 0, output_field=models.PositiveIntegerField()
            ),
        )
        return result


class TrainingSession(models.Model):
    CountsAs = CountsAs

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="training_sessions", verbose_name=_("計畫")
    )
    held_on = models.DateField(_("辦理日期"))
    topic = models.CharField(_("主題"), max_length=200)
    speaker = models.CharField(_("講座"), max_length=100)
    speaker_title = models.CharField(_("講座服務單位及職稱"), max_length=200, blank=True)
    speaker_is_expert = models.BooleanField(
        _("外聘專家學者"), default=False, help_text=_("講座為機關外之提升服務品質領域專家學者")
    )
    hours = models.DecimalField(_("時數"), max_digits=5, decimal_places=1, help_text=_("以小時計，如 2 或 1.5"))
    place = models.CharField(_("地點"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("主辦單位")
    )
    indicator = models.ForeignKey(
        "measures.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("計入績效指標"),
        help_text=_("此場次計入的指標；依指標單位計算（場：每場計 1；人次：參訓人數合計；小時：時數合計）"),
    )
    notes = models.TextField(_("備註"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登錄者")
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("教育訓練")
        verbose_name_plural = _("教育訓練")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="training_hours_positive", violation_error_message=_("時數須大於 0。")
            ),
        ]
        indexes = [models.Index(fields=["plan", "held_on"], name="training_plan_held_on_idx")]

    def __str__(self) -> str:
        return f"{format_roc(self.held_on)} {self.topic}"

    def clean(self) -> None:
        """The date lies inside the plan's period; the indicator is an active one of this plan's measures that a
        session can count toward."""
        errors = {}
        plan = self.plan if self.plan_id else None
        if plan is not None and self.held_on is not None and not (plan.start_date <= self.held_on <= plan.end_date):
            errors["held_on"] = _("辦理日期應在計畫執行期程內（%(start)s至%(end)s）。") % {
                "start": format_roc(plan.start_date), "end": format_roc(plan.end_date)
            }
        if self.indicator_id is not None and plan is not None:
            indicator = self.indicator
            if indicator.measure.plan_id != plan.pk or indicator.retired_at is not None:
                errors["indicator"] = _("請選擇本計畫使用中的績效指標。")
            elif counts_as_for_unit(indicator.unit) is None:
                errors["indicator"] = _("指標「%(name)s」以「%(unit)s」計，無法由教育訓練計算；請選擇以場、人次或小時計的指標。") % {
                    "name": indicator.name, "unit": indicator.unit
                }
        if errors:
            raise ValidationError(errors)

    @property
    def counts_as(self) -> CountsAs | None:
        return counts_as_for_unit(self.indicator.unit) if self.indicator_id else None


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("教育訓練")
    )
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="training_attendances", verbose_name=_("單位")
    )
    attendees = models.PositiveIntegerField(_("參訓人數"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("參訓人數")
        verbose_name_plural = _("參訓人數")
        ordering = ["session_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit"], name="training_attendance_one_per_unit",
                violation_error_message=_("同一場教育訓練的同一單位只能有一筆參訓人數。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}／{self.unit}：{self.attendees} 人"

