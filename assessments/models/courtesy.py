"""電話禮貌測試：不定期以電話查測各單位員警的服務態度；未達及格分數的單位列入下次管制考核。"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc

from .reviews import ReviewItem

__all__ = ["CourtesyTest", "ReviewCourtesyItem"]


class CourtesyTestQuerySet(models.QuerySet):
    def for_list(self) -> "CourtesyTestQuerySet":
        """Tests as the list shows them: with their unit, newest first."""
        return self.select_related("unit").order_by("-tested_on", "-pk")

    def for_detail(self) -> "CourtesyTestQuerySet":
        return self.select_related("plan__organization", "unit", "recorded_by")


class CourtesyTest(models.Model):
    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="courtesy_tests", verbose_name=_("計畫")
    )
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, related_name="courtesy_tests", verbose_name=_("受測單位")
    )
    tested_on = models.DateField(_("測試日期"))
    score = models.DecimalField(
        _("分數"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("0 到 100 分，可到小數一位。"),
    )
    findings = models.TextField(_("測試發現"), blank=True, help_text=_("應對態度、用語、轉接等優劣事項。"))
    tester = models.CharField(_("測試人員"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登錄者")
    )
    recorded_at = models.DateTimeField(_("登錄時間"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CourtesyTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("電話禮貌測試")
        verbose_name_plural = _("電話禮貌測試")
        ordering = ["plan", "-tested_on", "-pk"]
        indexes = [models.Index(fields=["plan", "unit", "tested_on"], name="courtesy_plan_unit_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="courtesy_score_0_100",
                violation_error_message=_("分數應介於 0 到 100 之間。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {format_roc(self.tested_on)} 電話禮貌測試"

    def passes(self, pass_score) -> bool:
        return self.score >= pass_score


class ReviewCourtesyItem(models.Model):
    """A unit whose latest 電話禮貌測試 fell below the plan's pass score, on the agenda of a 管制考核."""

    class Origin(models.TextChoices):
        PROPOSED = "proposed", _("本次提列")
        CARRIED = "carried", _("前次繼續列管")

    review = models.ForeignKey(
        "assessments.ControlReview", on_delete=models.CASCADE, related_name="courtesy_items", verbose_name=_("管制考核")
    )
    unit = models.ForeignKey("diagnosis.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("受測單位"))
    courtesy_test = models.ForeignKey(
        CourtesyTest, on_delete=models.PROTECT, related_name="review_items", verbose_name=_("電話禮貌測試")
    )
    origin = models.CharField(_("提列來源"), max_length=10, choices=Origin.choices)
    pass_score = models.PositiveSmallIntegerField(_("提列時及格分數"))
    finding = models.TextField(_("檢討情形"), blank=True)
    action = models.TextField(_("改善措施"), blank=True)
    follow_up_due = models.DateField(_("追蹤期限"), null=True, blank=True)
    decision = models.CharField(_("決議"), max_length=10, choices=ReviewItem.Decision.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("電話禮貌測試管制項目")
        verbose_name_plural = _("電話禮貌測試管制項目")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "unit"],
                name="review_courtesy_item_unique",
                violation_error_message=_("同一單位在一次管制考核中只列一次電話禮貌測試。"),
            ),
        ]

    Decision = ReviewItem.Decision
    # As a follow-up (列管追蹤) the tested unit answers it: the answer's field and the page where it is answered.
    answer_field = "courtesy_item"
    answer_url_name = "assessments:courtesy_follow_up_answer"

    def __str__(self) -> str:
        return f"{self.review}／{self.unit} 電話禮貌測試"

    @property
    def follow_up_unit_id(self) -> int:
        """The 追蹤單位 of a 電話禮貌測試 item is the unit tested."""
        return self.unit_id

    @property
    def follow_up_unit(self):
        return self.unit

    @property
    def follow_up_title(self) -> str:
        return f"電話禮貌測試（{format_roc(self.courtesy_test.tested_on)} 測試 {self.courtesy_test.score} 分）"
