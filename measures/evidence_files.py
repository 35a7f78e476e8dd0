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

from .office_files import ole2_office_kind, zip_office_kind

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

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGE_SIGNATURES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("jpg", (b"\xff\xd8\xff",)),
    ("png", (b"\x89PNG\r\n\x1a\n",)),
    ("gif", (b"GIF87a", b"GIF89a")),
)


@dataclass(frozen=True)
class EvidenceFileInfo:
    """What ``inspect_upload`` found out about an accepted upload."""

    extension: str
    content_type: str
    size: int
    sha256: str
    original_name: str

    def stored_as(self, name: str) -> dict:
        """The fields of a row keeping this upload, stored under `name` (reports' evidence, follow-ups' files,
        the binder's own files): the file and what was checked of it."""
        return {
            "file": name, "original_name": self.original_name, "content_type": self.content_type, "size": self.size,
            "sha256": self.sha256,
        }


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
            return zip_office_kind(upload)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
                EOFError, OSError, ValueError, zlib.error, struct.error):
            return None
    if head.startswith(_OLE2_SIGNATURE):
        return ole2_office_kind(upload)

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
