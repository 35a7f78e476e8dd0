"""佐證資料：存放於不對外公開的目錄，只經由檢查權限的檢視下載。"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..evidence_files import clean_original_name


def evidence_storage():
    return storages["evidence"]



def checked_download_name(stored_name: str, original_name: str) -> str:
    """The uploader's name, cleaned, with the extension of the stored file (the type its content was checked to
    be): the name every evidence file is downloaded under (reports' and follow-ups')."""
    checked = PurePosixPath(stored_name).suffix.lower()
    name = clean_original_name(original_name)
    stem = PurePosixPath(name).stem if PurePosixPath(name).suffix else name
    return f"{stem or clean_original_name('')}{checked}"

class Evidence(models.Model):
    report = models.ForeignKey(
        "measures.ProgressReport", on_delete=models.CASCADE, related_name="evidence", verbose_name=_("進度填報")
    )
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
        verbose_name = _("佐證資料")
        verbose_name_plural = _("佐證資料")
        # By the parent's id, not through it: naming the foreign key sorted by the report's own ordering, which
        # joined up through its measure to the plan and its organisation on every read of a report's files.
        ordering = ["report_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name a download is offered under: the uploader's name (cleaned again: older rows were kept as typed)
        with the extension of the type its content was checked to be, which the stored file carries, so that
        「報告.hta」 whose bytes are a PDF downloads as 「報告.pdf」: a PC opens a saved file by its extension."""
        return checked_download_name(self.file.name, self.original_name)

    def open_file(self):
        """The stored bytes, read through the evidence storage as configured now."""
        return evidence_storage().open(self.file.name, "rb")

    @staticmethod
    def storage_name(extension: str) -> str:
        """Where a new file goes: a fresh UUID, never the uploader's name, so nothing escapes or overwrites."""
        return f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"
