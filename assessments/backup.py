"""Backup and restore: the database content and every stored file, with a SHA-256 manifest.

A backup is a zip: `data.xml` (Django's serialisation of every object of the portal, their history
included), `evidence/<stored name>` for each file the portal keeps in its non-public storage (reports'
evidence, follow-ups' files, the binder's own files and builds, the submissions' frozen 附表), and
`manifest.json` listing the SHA-256 of
every other member. A restore checks every checksum before it writes anything, loads into an empty
database in one transaction, and writes the evidence files only once the data has committed."""

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from diagnosis.models import Unit
from measures.models import Evidence
from measures.models.evidence import evidence_storage

from .models import BinderBuild, BinderEntry, FollowUpEvidence, SubmissionFile

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


CHUNK = 1024 * 1024  # files are copied and hashed a megabyte at a time: memory stays flat whatever they add up to


def _copy_hashing(source, target=None) -> str:
    """Read `source` to its end in chunks (writing them to `target`, if any); its SHA-256."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


def backup_write(target: Path) -> BackupSummary:
    """Write a backup zip to `target`, streaming the data and every evidence file into it."""
    checksums: dict[str, str] = {}
    storage = evidence_storage()
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / DATA
        call_command(
            "dumpdata", *APPS, format="xml", natural_foreign=True, natural_primary=False,
            output=str(data_path), verbosity=0,
        )
        objects = _count(data_path)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with data_path.open("rb") as source, archive.open(DATA, "w", force_zip64=True) as member:
                checksums[DATA] = _copy_hashing(source, member)
            files = 0
            for name in stored_file_names():
                member_name = f"evidence/{name}"
                with storage.open(name, "rb") as source, archive.open(member_name, "w", force_zip64=True) as member:
                    checksums[member_name] = _copy_hashing(source, member)
                files += 1
            manifest = {"format": FORMAT_VERSION, "created": timezone.now().isoformat(), "sha256": checksums}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupSummary(objects=objects, files=files)


def stored_file_names():
    """The name of every file a row of the portal keeps in the evidence storage, each once."""
    columns = [
        (Evidence, "file"), (FollowUpEvidence, "file"), (BinderEntry, "file"),
        (BinderBuild, "pdf"), (BinderBuild, "archive"), (SubmissionFile, "file"),
    ]
    for model, column in columns:
        yield from model.objects.exclude(**{column: ""}).order_by("pk").values_list(column, flat=True).iterator()


def backup_restore(source: Path) -> BackupSummary:
    """Restore a backup into an empty database; refuse a damaged or altered file before writing anything.
    Every member is read twice, in chunks: once to check its checksum, once to write it."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise BackupError("這不是本系統的備份檔（無法以 zip 開啟）。") from None
    with archive, tempfile.TemporaryDirectory() as folder:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            checksums: dict[str, str] = manifest["sha256"]
        except (KeyError, ValueError):
            raise BackupError("備份檔缺少有效的檢查碼清單（manifest.json）。") from None
        members = {info.filename for info in archive.infolist() if not info.is_dir()} - {MANIFEST}
        if members != set(checksums):
            extra, missing = sorted(members - set(checksums)), sorted(set(checksums) - members)
            raise BackupError(f"備份檔內容與檢查碼清單不符（多出：{extra[:3]}，缺少：{missing[:3]}）。")
        data_path = Path(folder) / DATA
        for member, expected in checksums.items():
            if member != DATA and not _safe_member(member):
                raise BackupError(f"備份檔含有不安全的路徑：{member}")
            with archive.open(member) as content:
                if member == DATA:
                    with data_path.open("wb") as copy:
                        actual = _copy_hashing(content, copy)
                else:
                    actual = _copy_hashing(content)
            if actual != expected:
                raise BackupError(f"檢查碼不符，備份檔已損毀或被修改：{member}")
        if Unit.objects.exists():
            raise BackupError("目標資料庫不是空的；請還原到剛建立（只執行過 migrate）的資料庫。")
        objects = _count(data_path)
        with transaction.atomic():
            call_command("loaddata", str(data_path), verbosity=0)
        storage = evidence_storage()
        evidence = [member for member in checksums if member != DATA]
        for member in evidence:
            name = member.removeprefix("evidence/")
            if storage.exists(name):
                storage.delete(name)
            with archive.open(member) as content:
                storage.save(name, File(content, name=name))
    return BackupSummary(objects=objects, files=len(evidence))


def _count(data_path: Path) -> int:
    """The objects in a serialised data file, read in chunks (a tag cut by a chunk's end is found in the next)."""
    tag, count, tail = b"<object ", 0, b""
    with data_path.open("rb") as data:
        while chunk := data.read(CHUNK):
            window = tail + chunk
            count += window.count(tag)
            tail = window[-(len(tag) - 1):]  # too short to hold a whole tag: nothing is counted twice
    return count


def _safe_member(member: str) -> bool:
    """File members are `evidence/<stored name>` as the portal names them (`<2 hex>/<32 hex>.<ext>`, under a
    folder such as `follow-ups/`, `binders/` or `submissions/`): a few plain relative parts, nothing else."""
    parts = member.split("/")
    return (
        3 <= len(parts) <= 5 and parts[0] == "evidence" and "\\" not in member
        and all(part and not part.startswith(".") for part in parts)
    )
