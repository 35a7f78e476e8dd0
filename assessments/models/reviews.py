"""定期管制考核：每月或每季的會議，逐項檢視逾期、落後與待填報的措施並決定繼續列管或解除列管。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sq_portal.roc_dates import format_roc


class ControlReviewQuerySet(models.QuerySet):
    def for_list(self) -> "ControlReviewQuerySet":
        """Reviews as the list shows them, in one query: `item_count` is every 管制項目 (measures and the units
        listed for their 電話禮貌測試), `courtesy_count` the latter, `kept_count` the measures kept under review.
        Both relations are joined, so each count is distinct (otherwise they would multiply each other)."""
        measures = models.Count("items", distinct=True)
        courtesy = models.Count("courtesy_items", distinct=True)
        return self.select_related("created_by").annotate(
            courtesy_count=courtesy,
            item_count=measures + courtesy,
            kept_count=models.Count("items", filter=Q(items__decision=ReviewItem.Decision.KEEP), distinct=True),
        ).order_by("-as_of", "-pk")


    def concerning(self, unit_ids) -> "ControlReviewQuerySet":
        """The reviews with items concerning these units (measures they follow up as 追蹤單位, their own
        電話禮貌測試), newest first, in one query: `own_count` is how many such items each has."""
        unit_ids = list(unit_ids)
        own = models.Count("items", filter=Q(items__follow_up_unit_id__in=unit_ids), distinct=True) + models.Count(
            "courtesy_items", filter=Q(courtesy_items__unit_id__in=unit_ids), distinct=True
        )
        return self.annotate(own_count=own).filter(own_count__gt=0).order_by("-as_of", "-pk")


class ControlReview(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("進行中")
        CLOSED = "closed", _("已結案")

    plan = models.ForeignKey("diagnosis.Plan", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("計畫"))
    title = models.CharField(_("會議名稱"), max_length=200)
    as_of = models.DateField(_("檢視基準日"), help_text=_("依此日的進度狀態提列措施"))
    meeting_date = models.DateField(_("會議日期"))
    state = models.CharField(_("狀態"), max_length=10, choices=State.choices, default=State.OPEN)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("前次管制考核")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建立者")
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    closed_at = models.DateTimeField(_("結案時間"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ControlReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("定期管制考核")
        verbose_name_plural = _("定期管制考核")
        ordering = ["plan", "-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="open"),
                name="review_one_open_per_plan",
                violation_error_message=_("此計畫已有進行中的管制考核，請先結案。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReviewItem(models.Model):
    class Decision(models.TextChoices):
        KEEP = "keep", _("繼續列管")
        RELEASE = "release", _("解除列管")

    class Origin(models.TextChoices):
        PROPOSED = "proposed", _("本次提列")
        CARRIED = "carried", _("前次繼續列管")

    review = models.ForeignKey(ControlReview, on_delete=models.CASCADE, related_name="items", verbose_name=_("管制考核"))
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="review_items", verbose_name=_("措施"))
    origin = models.CharField(_("提列來源"), max_length=10, choices=Origin.choices)
    status_label = models.CharField(_("提列時狀態"), max_length=10, help_text=_("逾期、落後、待填報等"))
    progress = models.PositiveSmallIntegerField(_("提列時進度（%）"), null=True, blank=True)
    planned = models.PositiveSmallIntegerField(_("提列時預定進度（%）"), null=True, blank=True)
    finding = models.TextField(_("檢討情形"), blank=True)
    action = models.TextField(_("改善措施"), blank=True)
    follow_up_unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("追蹤單位")
    )
    follow_up_due = models.DateField(_("追蹤期限"), null=True, blank=True)
    decision = models.CharField(_("決議"), max_length=10, choices=Decision.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("管制項目")
        verbose_name_plural = _("管制項目")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "measure"], name="review_item_unique",
                violation_error_message=_("同一措施在一次管制考核中只列一次。"),
            ),
        ]

    # As a follow-up (列管追蹤): the answer's field naming it and the page where it is answered.
    answer_field = "item"
    answer_url_name = "assessments:follow_up_answer"

    def __str__(self) -> str:
        return f"{self.review}／{self.measure}"

    @property
    def follow_up_due_display(self) -> str:
        return format_roc(self.follow_up_due)

    @property
    def follow_up_title(self) -> str:
        """What the follow-up is about, as the unit's pages name it."""
        return self.measure.name


def plan_reviews(*, plan_id):
    """The plan's reviews for the list (`for_list`), with SQL compiled once per connection."""
    return ControlReview.objects.filter(plan_id=plan_id).for_list()
