"""佐證資料（evidence files）上傳檢查：依檔案內容判斷類型、限制大小、計算 SHA-256、整理原始檔名。

The type of an upload is decided by its CONTENT only, never by its name or the
browser's content type.  Allowed: PDF, JPEG/PNG/GIF/WebP, Word/Excel/PowerPoint
(legacy OLE2 and OOXML) and ODF text/spreadsheet/presentation.

* ``inspect_upload(upload)`` reads the upload in chunks, hashes it, detects the
  type and returns an :class:`EvidenceFileInfo`, or raises ``ValidationError``
  with code ``empty``, ``too_large`` or ``type``.  The file is always rewound.
* ``clean_original_name(name)`` makes the user's file name safe to keep as a
  display/download name.  It never decides where the file is stored.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import types
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

__all__ = [
    "ACCEPT_ATTR",
    "ALLOWED_KINDS",
    "ALLOWED_TYPES_TEXT",
    "MAX_EVIDENCE_BYTES_DEFAULT",
    "EvidenceFileInfo",
    "clean_original_name",
    "inspect_upload",
]

ALLOWED_KINDS: Mapping[str, tuple[str, str]] = types.MappingProxyType(
    {
        "pdf": ("application/pdf", "PDF 文件"),
        "jpg": ("image/jpeg", "JPEG 圖片"),
        "png": ("image/png", "PNG 圖片"),
        "gif": ("image/gif", "GIF 圖片"),
        "webp": ("image/webp", "WebP 圖片"),
        "doc": ("application/msword", "Word 文件（97-2003）"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word 文件",
        ),
        "xls": ("application/vnd.ms-excel", "Excel 試算表（97-2003）"),
        "xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel 試算表",
        ),
        "ppt": ("application/vnd.ms-powerpoint", "PowerPoint 簡報（97-2003）"),
        "pptx": (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint 簡報",
        ),
        "odt": ("application/vnd.oasis.opendocument.text", "ODF 文字文件（ODT）"),
        "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ODF 試算表（ODS）"),
        "odp": ("application/vnd.oasis.opendocument.presentation", "ODF 簡報（ODP）"),
    }
)
"""Allowed kinds: detected extension → (content type, 中文 label)."""

ALLOWED_TYPES_TEXT = (
    "只接受 PDF、圖片（JPEG、PNG、GIF、WebP）、Office 文件（Word、Excel、PowerPoint）"
    "與 ODF 文件（ODT、ODS、ODP）"
)
"""The allowed types in one Traditional Chinese sentence (for help texts)."""

ACCEPT_ATTR = ",".join(
    [".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp"]
    + [f".{ext}" for ext in ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp")]
)
"""A hint for ``<input type="file" accept="…">``; the server still checks the content."""

MAX_EVIDENCE_BYTES_DEFAULT = 10 * 1024 * 1024

FALLBACK_NAME = "佐證資料"
MAX_NAME_CHARS = 150

_CHUNK_SIZE = 64 * 1024
_HEAD_BYTES = 8192  # what filetype looks at
_TAIL_BYTES = 1024  # a PDF's %%EOF must be within the last 1024 bytes

# ZIP containers (OOXML, ODF): refuse anything bomb-like before decompressing a byte.
_ZIP_MAX_ENTRIES = 10_000
_ZIP_MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
_ZIP_MAX_RATIO = 200
_ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this are never "bombs"
_ZIP_MAX_METADATA_BYTES = 1024 * 1024  # [Content_Types].xml, mimetype

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGE_SIGNATURES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("jpg", (b"\xff\xd8\xff",)),
    ("png", (b"\x89PNG\r\n\x1a\n",)),
    ("gif", (b"GIF87a", b"GIF89a")),
)

_ODF_MIMETYPES: Mapping[bytes, str] = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}

# kind → (part folder, main part content type suffix in [Content_Types].xml)
_OOXML_KINDS: Mapping[str, tuple[str, bytes]] = {
    "docx": ("word/", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/", b"spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/", b"presentationml.presentation.main+xml"),
}

# Root streams of legacy Office files, in order of precedence (names compare case-insensitively).
_OLE2_STREAMS: tuple[tuple[str, str], ...] = (
    ("worddocument", "doc"),
    ("workbook", "xls"),
    ("book", "xls"),
    ("powerpoint document", "ppt"),
)


@dataclass(frozen=True)
class EvidenceFileInfo:
    """What ``inspect_upload`` found out about an accepted upload."""

    extension: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def max_evidence_bytes() -> int:
    """The size limit in bytes, read from settings at call time."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", MAX_EVIDENCE_BYTES_DEFAULT))


def inspect_upload(upload: UploadedFile) -> EvidenceFileInfo:
    """Check an uploaded evidence file by content; raise ``ValidationError`` if it is not acceptable.

    Reads in chunks (hashing as it goes), stops reading once the limit is passed,
    and leaves the file rewound to the start whatever happens.
    """
    limit = max_evidence_bytes()
    try:
        size, digest, head, tail = _read_upload(upload, limit)
        if size == 0:
            raise ValidationError("檔案是空的，請重新選擇檔案。", code="empty")
        if size > limit:
            size = max(size, getattr(upload, "size", None) or 0)
            size_text, limit_text = _format_size(size), _format_size(limit)
            if size_text == limit_text:  # just over the limit: do not print "10 MB，超過上限 10 MB"
                size_text = _format_size(size, round_up=True)
            raise ValidationError(
                f"檔案大小 {size_text}，超過上限 {limit_text}。",
                code="too_large",
                params={"size": size, "limit": limit},
            )
        extension = _detect_kind(upload, head, tail)
        if extension is None:
            raise ValidationError(
                f"不接受此檔案類型（依檔案內容判斷，與副檔名無關）。{ALLOWED_TYPES_TEXT}。",
                code="type",
            )
    finally:
        upload.seek(0)
    return EvidenceFileInfo(
        extension=extension,
        content_type=ALLOWED_KINDS[extension][0],
        size=size,
        sha256=digest,
        original_name=clean_original_name(upload.name or ""),
    )


def _read_upload(upload: UploadedFile, limit: int) -> tuple[int, str, bytes, bytes]:
    """Read the upload chunk by chunk: (size, sha256 hex, first bytes, last bytes).

    Stops as soon as more than ``limit`` bytes were read; the size is then only a lower bound.
    """
    hasher = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    for chunk in upload.chunks(_CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            break
        hasher.update(chunk)
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        tail = (tail + chunk)[-_TAIL_BYTES:]
    return size, hasher.hexdigest(), head, tail


def _format_size(n: int, *, round_up: bool = False) -> str:
    """Format a byte count for people: MB (1 MB = 1024 × 1024 bytes), KB or bytes."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            value = n / factor
            value = math.ceil(value * 10) / 10 if round_up else round(value, 1)
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} 位元組"


# --- detection -------------------------------------------------------------------------


def _detect_kind(upload: UploadedFile, head: bytes, tail: bytes) -> str | None:
    """The allowed extension this content is, or None."""
    if head.startswith(_ZIP_SIGNATURE):
        try:
            return _detect_zip(upload)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
                EOFError, OSError, ValueError, zlib.error, struct.error):
            return None
    if head.startswith(_OLE2_SIGNATURE):
        try:
            return _Ole2Reader(upload).office_kind()
        except (_CorruptOle2, OSError, ValueError, struct.error):
            return None

    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.extension == "pdf":
        return "pdf" if head.startswith(b"%PDF-") and b"%%EOF" in tail else None
    if guess.extension in ("jpg", "png", "apng", "gif"):
        for extension, signatures in _IMAGE_SIGNATURES:
            if head.startswith(signatures):
                return extension
        return None
    if guess.extension == "webp":
        return "webp" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None
    return None


def _detect_zip(upload: UploadedFile) -> str | None:
    """OOXML (docx/xlsx/pptx) or ODF (odt/ods/odp) inside a ZIP; None for any other ZIP."""
    with zipfile.ZipFile(upload) as archive:
        infos = archive.infolist()
        if not infos or len(infos) > _ZIP_MAX_ENTRIES:
            return None
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > _ZIP_RATIO_FLOOR and info.file_size > _ZIP_MAX_RATIO * max(info.compress_size, 1):
                return None
        if total > _ZIP_MAX_TOTAL_UNCOMPRESSED:
            return None

        if infos[0].filename == "mimetype":
            return _ODF_MIMETYPES.get(_read_member(archive, infos[0]) or b"")

        names = [info.filename for info in infos]
        if "[Content_Types].xml" not in names:
            return None
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return None  # macro-enabled (docm/xlsm/pptm)
        content_types = _read_member(archive, archive.getinfo("[Content_Types].xml"))
        if content_types is None or b"macroenabled" in content_types.lower():
            return None
        by_folder = {
            kind for kind, (folder, _) in _OOXML_KINDS.items()
            if any(name.startswith(folder) for name in names)
        }
        by_type = {kind for kind, (_, main) in _OOXML_KINDS.items() if main in content_types}
        if by_type:
            candidates = by_type & by_folder
        elif b"main+xml" in content_types:
            return None  # declares some other main part: template, slide show, add-in …
        else:
            candidates = by_folder
        return candidates.pop() if len(candidates) == 1 else None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A small archive member's bytes, or None when it is (or claims to be) too big."""
    if info.file_size > _ZIP_MAX_METADATA_BYTES:
        return None
    with archive.open(info) as member:
        data = member.read(_ZIP_MAX_METADATA_BYTES + 1)
    return None if len(data) > _ZIP_MAX_METADATA_BYTES else data


class _CorruptOle2(Exception):
    """The OLE2 compound file cannot be read."""


class _Ole2Reader:
    """Just enough of [MS-CFB] to list the streams directly under the root storage."""

    _END_OF_CHAIN = 0xFFFFFFFE
    _MAX_REGULAR_SECTOR = 0xFFFFFFFA
    _NO_STREAM = 0xFFFFFFFF
    _HEADER_DIFAT_ENTRIES = 109

    def __init__(self, upload: UploadedFile) -> None:
        self.upload = upload
        upload.seek(0, 2)
        self.file_size = upload.tell()
        header = self._read_at(0, 512)
        (byte_order, sector_shift) = struct.unpack_from("<HH", header, 0x1C)
        if byte_order != 0xFFFE or sector_shift not in (9, 12):
            raise _CorruptOle2("bad header")
        self.sector_size = 1 << sector_shift
        self.sector_count = max(0, self.file_size // self.sector_size - 1)
        (self.first_dir_sector, ) = struct.unpack_from("<I", header, 0x30)
        (first_difat_sector, difat_sector_count) = struct.unpack_from("<II", header, 0x44)
        self.fat_sectors = list(struct.unpack_from("<109I", header, 0x4C))
        self._read_difat_chain(first_difat_sector, difat_sector_count)
        self._fat_cache: dict[int, tuple[int, ...]] = {}

    def office_kind(self) -> str | None:
        """doc, xls or ppt, judged by the names of the root storage's streams."""
        names = self.root_stream_names()
        for stream, kind in _OLE2_STREAMS:
            if stream in names:
                return kind
        return None

    def root_stream_names(self) -> set[str]:
        """Case-folded names of the streams that are direct children of the root storage."""
        entries = self._directory_entries()
        if not entries or entries[0][1] != 5:
            raise _CorruptOle2("no root entry")
        names: set[str] = set()
        seen: set[int] = set()
        pending = [entries[0][4]]  # the root's child: the top of its children's red-black tree
        while pending:
            index = pending.pop()
            if index == self._NO_STREAM or index >= len(entries) or index in seen:
                continue
            seen.add(index)
            name, kind, left, right, _child = entries[index]
            if kind == 2:
                names.add(name.casefold())
            pending.extend((left, right))
        return names

    def _directory_entries(self) -> list[tuple[str, int, int, int, int]]:
        """(name, object type, left sibling, right sibling, child) for every directory entry."""
        entries = []
        for sector in self._chain(self.first_dir_sector):
            data = self._read_at(self._offset(sector), self.sector_size)
            for start in range(0, self.sector_size, 128):
                raw = data[start : start + 128]
                (name_length, ) = struct.unpack_from("<H", raw, 64)
                name_length = min(max(name_length - 2, 0), 62) & ~1
                name = raw[:name_length].decode("utf-16-le", "replace")
                entries.append((name, raw[66], *struct.unpack_from("<III", raw, 68)))
        return entries

    def _chain(self, start: int) -> list[int]:
        """The sectors of a chain in the FAT, refusing loops and out-of-range sectors."""
        sectors: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector != self._END_OF_CHAIN:
            if sector > self._MAX_REGULAR_SECTOR or sector >= self.sector_count or sector in seen:
                raise _CorruptOle2("bad chain")
            seen.add(sector)
            sectors.append(sector)
            sector = self._fat_entry(sector)
        return sectors

    def _fat_entry(self, sector: int) -> int:
        """The FAT's next-sector entry for ``sector``."""
        per_sector = self.sector_size // 4
        index = sector // per_sector
        if index >= len(self.fat_sectors):
            raise _CorruptOle2("FAT too short")
        fat_sector = self.fat_sectors[index]
        if fat_sector not in self._fat_cache:
            if fat_sector >= self.sector_count:
                raise _CorruptOle2("bad FAT sector")
            data = self._read_at(self._offset(fat_sector), self.sector_size)
            self._fat_cache[fat_sector] = struct.unpack(f"<{per_sector}I", data)
        return self._fat_cache[fat_sector][sector % per_sector]

    def _read_difat_chain(self, sector: int, count: int) -> None:
        """Append the FAT sector numbers kept in DIFAT sectors (files over ~7 MB)."""
        per_sector = self.sector_size // 4
        seen: set[int] = set()
        while count > 0 and sector != self._END_OF_CHAIN:
            if sector >= self.sector_count or sector in seen:
                raise _CorruptOle2("bad DIFAT chain")
            seen.add(sector)
            values = struct.unpack(f"<{per_sector}I", self._read_at(self._offset(sector), self.sector_size))
            self.fat_sectors.extend(values[:-1])
            sector = values[-1]
            count -= 1

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.sector_size

    def _read_at(self, offset: int, length: int) -> bytes:
        self.upload.seek(offset)
        data = self.upload.read(length)
        if len(data) != length:
            raise _CorruptOle2("truncated")
        return data


# --- names ----------------------------------------------------------------------------

_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff"
)
_MAX_EXTENSION_CHARS = 16


def clean_original_name(name: str) -> str:
    """The user's file name, safe to show and to offer as a download name.

    Keeps the last path component (``/`` or ``\\``), drops control and bidi
    characters, leading dots and surrounding whitespace, collapses whitespace and
    shortens to 150 characters keeping the extension.  Falls back to 「佐證資料」.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    text = re.sub(r" +", " ", "".join(kept))
    text = re.sub(r"^[ .]+", "", text).rstrip(" ")
    if len(text) > MAX_NAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and extension and " " not in extension and len(extension) <= _MAX_EXTENSION_CHARS:
            stem = stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(" .")
            text = f"{stem}.{extension}"
        else:
            text = text[:MAX_NAME_CHARS].rstrip(" ")
    return text or FALLBACK_NAME
