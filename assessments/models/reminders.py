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
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="+", verbose_name=_("措施"))
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
                name="reminder_sent_once",
                violation_error_message=_("此提醒已寄出。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.measure} → {self.recipient}"
