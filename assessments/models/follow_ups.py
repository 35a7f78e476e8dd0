"""列管追蹤：繼續列管的措施由追蹤單位回覆辦理情形並附佐證資料，下次管制考核據以決定解除或繼續列管。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.evidence import Evidence, checked_download_name, evidence_storage


class FollowUpAnswer(models.Model):
    """The 追蹤單位's answer to one item a closed review kept under control (繼續列管): a measure's item or a unit's
    電話禮貌測試 item, exactly one of them; changed until the next review closes, every change kept in its history."""

    item = models.OneToOneField(
        "assessments.ReviewItem", on_delete=models.CASCADE, null=True, blank=True, related_name="answer",
        verbose_name=_("管制項目"),
    )
    courtesy_item = models.OneToOneField(
        "assessments.ReviewCourtesyItem", on_delete=models.CASCADE, null=True, blank=True, related_name="answer",
        verbose_name=_("電話禮貌測試管制項目"),
    )
    text = models.TextField(_("辦理情形"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("回覆者")
    )
    answered_at = models.DateTimeField(_("回覆時間"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("列管追蹤辦理情形")
        verbose_name_plural = _("列管追蹤辦理情形")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, courtesy_item__isnull=True) | Q(item__isnull=True, courtesy_item__isnull=False),
                name="follow_up_answer_one_item",
                violation_error_message=_("辦理情形只回覆一個管制項目。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.followed}：辦理情形"

    @property
    def followed(self):
        """The item this answers (a measure's or a 電話禮貌測試's)."""
        return self.item if self.item_id is not None else self.courtesy_item

    @property
    def answered_local(self):
        """When it was answered, in the portal's time zone (a 民國 date and a time are shown from it)."""
        return timezone.localtime(self.answered_at)


class FollowUpEvidence(models.Model):
    """A file attached to a follow-up answer, kept in the same non-public storage as reports' evidence."""

    answer = models.ForeignKey(FollowUpAnswer, on_delete=models.CASCADE, related_name="files", verbose_name=_("辦理情形"))
    file = models.FileField(_("檔案"), storage=evidence_storage, max_length=200)
    original_name = models.CharField(_("原始檔名"), max_length=200)
    content_type = models.CharField(_("檔案類型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小（位元組）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上傳者")
    )
    uploaded_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("列管追蹤佐證資料")
        verbose_name_plural = _("列管追蹤佐證資料")
        ordering = ["answer_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The uploader's name with the extension its content was checked to be (as measures' Evidence)."""
        return checked_download_name(self.file.name, self.original_name)

    def open_file(self):
        return evidence_storage().open(self.file.name, "rb")

    @staticmethod
    def storage_name(extension: str) -> str:
        return f"follow-ups/{Evidence.storage_name(extension)}"  # a fresh UUID, as evidence is named
