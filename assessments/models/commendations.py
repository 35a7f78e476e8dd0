"""獎懲（柒、考核獎懲作業）：平時考核的結果，依「警察人員獎懲標準」對同仁或單位的嘉獎、記功、申誡、記過。

Only 研考承辦 and the head of the unit concerned see a record; to everyone else it does not exist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc

__all__ = ["Commendation"]


class CommendationQuerySet(models.QuerySet):
    def for_list(self) -> "CommendationQuerySet":
        """Records as the list shows them: with their unit and what led to them, newest first."""
        return self.select_related("unit", "review", "courtesy_test").order_by("-decided_on", "-pk")

    def for_detail(self) -> "CommendationQuerySet":
        return self.select_related("plan__organization", "unit", "review", "courtesy_test__unit", "recorded_by")

    def for_units(self, units) -> "CommendationQuerySet":
        return self.filter(unit__in=[unit.pk for unit in units])


class Commendation(models.Model):
    class Kind(models.TextChoices):
        COMMEND = "commend", _("嘉獎")
        MERIT = "merit", _("記功")
        MAJOR_MERIT = "major_merit", _("記大功")
        REPRIMAND = "reprimand", _("申誡")
        DEMERIT = "demerit", _("記過")
        MAJOR_DEMERIT = "major_demerit", _("記大過")

    class Times(models.IntegerChoices):
        ONCE = 1, _("一次")
        TWICE = 2, _("二次")

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="commendations", verbose_name=_("計畫"))
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="commendations", verbose_name=_("單位"),
        help_text=_("受獎懲的單位，或受獎懲同仁所屬的單位。"),
    )
    person_name = models.CharField(_("姓名"), max_length=60, blank=True, help_text=_("對單位的獎懲留空。"))
    person_title = models.CharField(_("職稱"), max_length=60, blank=True)
    kind = models.CharField(_("獎懲種類"), max_length=15, choices=Kind.choices)
    times = models.PositiveSmallIntegerField(_("次數"), choices=Times.choices, default=Times.ONCE)
    reason = models.TextField(_("獎懲事由"))
    decided_on = models.DateField(_("核定日期"))
    review = models.ForeignKey(
        "assessments.ControlReview", on_delete=models.PROTECT, null=True, blank=True, related_name="commendations",
        verbose_name=_("依據之管制考核"),
    )
    courtesy_test = models.ForeignKey(
        "assessments.CourtesyTest", on_delete=models.PROTECT, null=True, blank=True, related_name="commendations",
        verbose_name=_("依據之電話禮貌測試"),
    )
    finding = models.TextField(_("考核所見"), blank=True, help_text=_("平時考核或督考所見的優缺點。"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登錄者")
    )
    recorded_at = models.DateTimeField(_("登錄時間"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("獎懲")
        verbose_name_plural = _("獎懲")
        ordering = ["plan", "-decided_on", "-pk"]
        indexes = [models.Index(fields=["plan", "unit", "decided_on"], name="commendation_plan_unit_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False) | Q(courtesy_test__isnull=False) | ~Q(finding=""),
                name="commendation_has_basis",
                violation_error_message=_("請選擇所依據的管制考核或電話禮貌測試，或填寫考核所見。"),
            ),
            models.CheckConstraint(
                condition=Q(times__in=[1, 2]),
                name="commendation_times_one_or_two",
                violation_error_message=_("次數應為一次或二次。"),
            ),
            models.CheckConstraint(
                condition=~Q(person_name="") | Q(person_title=""),
                name="commendation_title_needs_name",
                violation_error_message=_("填寫職稱時請一併填寫姓名。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.kind_display}"

    @property
    def who(self) -> str:
        if not self.person_name:
            return str(self.unit)
        return f"{self.unit} {self.person_title}{self.person_name}".replace("  ", " ")

    @property
    def kind_display(self) -> str:
        """嘉獎一次, 記過二次 …"""
        return f"{self.get_kind_display()}{self.get_times_display()}"

    @property
    def is_reward(self) -> bool:
        return self.kind in (self.Kind.COMMEND, self.Kind.MERIT, self.Kind.MAJOR_MERIT)

    @property
    def decided_on_display(self) -> str:
        return format_roc(self.decided_on)
