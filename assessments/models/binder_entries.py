"""佐證資料冊的選擇：研考承辦為每個評核重點勾選的單位佐證資料與自行上傳的檔案，依順序編入資料冊。"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from measures.models.evidence import Evidence, checked_download_name, evidence_storage


class BinderEntryQuerySet(models.QuerySet):
    def for_plan(self, plan) -> "BinderEntryQuerySet":
        """The plan's entries in binder order (focus point, position), with each unit file's report, unit and
        measure: what the selection page and the build read, in one query."""
        return (
            self.filter(plan_id=plan.pk)
            .select_related("evidence__report__unit", "evidence__report__measure")
            .order_by("item_id", "focus_point_id", "position", "pk")
        )


class BinderEntry(models.Model):
    """One file in a plan's binder under one focus point (or, for measures with none, under their item): either an evidence file a unit attached to a sent
    report (`evidence`), or a file 研考承辦 uploaded for the binder (`file` and its details)."""

    plan = models.ForeignKey(
        "diagnosis.Plan", on_delete=models.CASCADE, related_name="binder_entries", verbose_name=_("計畫")
    )
    item = models.ForeignKey(
        "diagnosis.Item", on_delete=models.CASCADE, related_name="binder_entries", verbose_name=_("評核項目")
    )
    focus_point = models.ForeignKey(
        "diagnosis.FocusPoint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="binder_entries",
        verbose_name=_("評核重點"),
        help_text=_("空白：評核項目下未指定評核重點的措施"),
    )
    position = models.PositiveIntegerField(_("順序"), default=0)
    evidence = models.ForeignKey(
        "measures.Evidence",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="binder_entries",
        verbose_name=_("單位佐證資料"),
    )
    file = models.FileField(_("自行上傳檔案"), storage=evidence_storage, max_length=200, blank=True)
    original_name = models.CharField(_("原始檔名"), max_length=200, blank=True)
    content_type = models.CharField(_("檔案類型"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("大小（位元組）"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("加入者")
    )
    added_at = models.DateTimeField(_("加入時間"), auto_now_add=True)

    objects = BinderEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐證資料冊檔案")
        verbose_name_plural = _("佐證資料冊檔案")
        ordering = ["plan", "item_id", "focus_point_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "evidence"],
                condition=Q(evidence__isnull=False),
                name="binder_entry_evidence_once_per_plan",
                violation_error_message=_("同一佐證資料不可重複選入資料冊。"),
            ),
            models.CheckConstraint(
                condition=(Q(evidence__isnull=False) & Q(file="")) | (Q(evidence__isnull=True) & ~Q(file="")),
                name="binder_entry_evidence_or_own_file",
                violation_error_message=_("佐證資料冊檔案須為單位佐證資料或自行上傳檔案之一。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_own(self) -> bool:
        return self.evidence_id is None

    @property
    def name(self) -> str:
        return self.original_name if self.is_own else self.evidence.original_name

    @property
    def download_name(self) -> str:
        if self.is_own:
            return checked_download_name(self.file.name, self.original_name)
        return self.evidence.download_name

    @property
    def stored_name(self) -> str:
        return self.file.name if self.is_own else self.evidence.file.name

    @property
    def file_content_type(self) -> str:
        return self.content_type if self.is_own else self.evidence.content_type

    def open_file(self):
        """The stored bytes (the unit's evidence file, or the own upload), through the evidence storage."""
        return evidence_storage().open(self.stored_name, "rb")

    @staticmethod
    def storage_name(extension: str) -> str:
        return f"binders/{Evidence.storage_name(extension)}"  # a fresh UUID, as evidence is named
