"""寄出的提醒：每一封都留下紀錄，同一提醒不重複寄送。"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderLog(models.Model):
    class Kind(models.TextChoices):
        DEADLINE_TOMORROW = "deadline", _("明日到期")
        OVERDUE = "overdue", _("已逾期")
        REPORT_MISSING = "missing", _("未填報")
        FOLLOW_UP = "followup", _("列管追蹤到期")

    kind = models.CharField(_("類別"), max_length=10, choices=Kind.choices)
    # What it was about: a measure, or a 電話禮貌測試 kept under follow-up (列管追蹤).
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("措施")
    )
    courtesy_item = models.ForeignKey(
        "assessments.ReviewCourtesyItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("電話禮貌測試管制項目"),
    )
    unit = models.ForeignKey(
        "diagnosis.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("單位")
    )
    key_date = models.DateField(_("依據日期"), help_text=_("到期日、應填報月份或追蹤期限"))
    recipient = models.EmailField(_("收件人"))
    sent_at = models.DateTimeField(_("寄出時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("提醒紀錄")
        verbose_name_plural = _("提醒紀錄")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "measure", "key_date", "recipient"],
                condition=models.Q(measure__isnull=False),
                name="reminder_sent_once",
                violation_error_message=_("此提醒已寄出。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "courtesy_item", "key_date", "recipient"],
                condition=models.Q(courtesy_item__isnull=False),
                name="reminder_courtesy_sent_once",
                violation_error_message=_("此提醒已寄出。"),
            ),
            models.CheckConstraint(
                condition=models.Q(measure__isnull=False, courtesy_item__isnull=True)
                | models.Q(measure__isnull=True, courtesy_item__isnull=False),
                name="reminder_about_one_thing",
                violation_error_message=_("提醒須針對一項措施或一項電話禮貌測試管制項目。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.measure or self.courtesy_item} → {self.recipient}"
