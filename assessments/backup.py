"""Backup and restore: the database content and every evidence file, with a SHA-256 manifest.

A backup is a zip: `data.xml` (Django's serialisation of every object of the portal, their history
included), `evidence/<stored name>` for each evidence file, and `manifest.json` listing the SHA-256 of
every other member. A restore checks every checksum before it writes anything, loads into an empty
database in one transaction, and writes the evidence files only once the data has committed."""

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from diagnosis.models import Unit
from measures.models import Evidence
from measures.models.evidence import evidence_storage

APPS = ["auth.user", "auth.group", "diagnosis", "measures", "assessments", "axes"]
MANIFEST = "manifest.json"
DATA = "data.xml"  # XML keeps datetimes to the microsecond; Django's JSON rounds them to milliseconds
FORMAT_VERSION = 1


class BackupError(Exception):
    """The backup cannot be restored (or made); the message says why, in Chinese."""


@dataclass(frozen=True)
class BackupSummary:
    objects: int
    files: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup_write(target: Path) -> BackupSummary:
    """Write a backup zip to `target`."""
    checksums: dict[str, str] = {}
    storage = evidence_storage()
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / DATA
        call_command(
            "dumpdata", *APPS, format="xml", natural_foreign=True, natural_primary=False,
            output=str(data_path), verbosity=0,
        )
        data = data_path.read_bytes()
        objects = _count(data)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DATA, data)
            checksums[DATA] = _sha256(data)
            files = 0
            for name in Evidence.objects.order_by("pk").values_list("file", flat=True):
                with storage.open(name, "rb") as handle:
                    content = handle.read()
                member = f"evidence/{name}"
                archive.writestr(member, content)
                checksums[member] = _sha256(content)
                files += 1
            manifest = {"format": FORMAT_VERSION, "created": timezone.now().isoformat(), "sha256": checksums}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupSummary(objects=objects, files=files)


def backup_restore(source: Path) -> BackupSummary:
    """Restore a backup into an empty database; refuse a damaged or altered file before writing anything."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise BackupError("這不是本系統的備份檔（無法以 zip 開啟）。") from None
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            checksums: dict[str, str] = manifest["sha256"]
        except (KeyError, ValueError):
            raise BackupError("備份檔缺少有效的檢查碼清單（manifest.json）。") from None
        members = {info.filename for info in archive.infolist() if not info.is_dir()} - {MANIFEST}
        if members != set(checksums):
            extra, missing = sorted(members - set(checksums)), sorted(set(checksums) - members)
            raise BackupError(f"備份檔內容與檢查碼清單不符（多出：{extra[:3]}，缺少：{missing[:3]}）。")
        contents = {}
        for member, expected in checksums.items():
            if member != DATA and not _safe_member(member):
                raise BackupError(f"備份檔含有不安全的路徑：{member}")
            content = archive.read(member)
            if _sha256(content) != expected:
                raise BackupError(f"檢查碼不符，備份檔已損毀或被修改：{member}")
            contents[member] = content
    if Unit.objects.exists():
        raise BackupError("目標資料庫不是空的；請還原到剛建立（只執行過 migrate）的資料庫。")
    data = contents.pop(DATA)
    objects = _count(data)
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / DATA
        data_path.write_bytes(data)
        with transaction.atomic():
            call_command("loaddata", str(data_path), verbosity=0)
    storage = evidence_storage()
    for member, content in contents.items():
        name = member.removeprefix("evidence/")
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, io.BytesIO(content))
    return BackupSummary(objects=objects, files=len(contents))


def _count(data: bytes) -> int:
    return data.count(b"<object ")


def _safe_member(member: str) -> bool:
    """Evidence members are `evidence/<2 hex>/<32 hex>.<ext>` as the portal names them; nothing else."""
    parts = member.split("/")
    return (
        len(parts) == 3 and parts[0] == "evidence" and len(parts[1]) == 2 and ".." not in member
        and all(part and not part.startswith(".") for part in parts)
    )
