"""Office files by their container: OOXML (docx/xlsx/pptx) and ODF (odt/ods/odp) inside a ZIP, legacy Office
(doc/xls/ppt, without macros) inside an OLE2 compound file, read with olefile. Used by the evidence check
(`measures.evidence_files`), which decides a file's type by its content alone."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping

import olefile
from django.core.files.uploadedfile import UploadedFile

# ZIP containers (OOXML, ODF): refuse anything bomb-like before decompressing a byte.
_ZIP_MAX_ENTRIES = 10_000
_ZIP_MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
_ZIP_MAX_RATIO = 200
_ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this are never "bombs"
_ZIP_MAX_METADATA_BYTES = 1024 * 1024  # [Content_Types].xml, mimetype

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


def zip_office_kind(upload: UploadedFile) -> str | None:
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
            return _ODF_MIMETYPES.get(read_member(archive, infos[0]) or b"")

        names = [info.filename for info in infos]
        if "[Content_Types].xml" not in names:
            return None
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return None  # macro-enabled (docm/xlsm/pptm)
        content_types = read_member(archive, archive.getinfo("[Content_Types].xml"))
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


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A small archive member's bytes, or None when it is (or claims to be) too big."""
    if info.file_size > _ZIP_MAX_METADATA_BYTES:
        return None
    with archive.open(info) as member:
        data = member.read(_ZIP_MAX_METADATA_BYTES + 1)
    return None if len(data) > _ZIP_MAX_METADATA_BYTES else data


# Storages that hold a legacy Office file's VBA macros: Word's Macros (with VBA below it), Excel's
# _VBA_PROJECT_CUR, and a VBA storage anywhere (PowerPoint keeps its project in one). Compared case-folded.
_OLE2_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})


def ole2_office_kind(upload: UploadedFile) -> str | None:
    """doc, xls or ppt, judged by the names of the streams directly under the root storage (olefile); None for
    any other compound file, for one that carries VBA macros, and for one olefile cannot read."""
    upload.seek(0)
    try:
        with olefile.OleFileIO(upload, raise_defects=olefile.DEFECT_INCORRECT) as ole:
            streams = ole.listdir(streams=True, storages=False)
            storages = ole.listdir(streams=False, storages=True)
    except Exception:  # noqa: BLE001 — a damaged file must only ever be refused, whatever olefile raises on it
        return None
    finally:
        upload.seek(0)
    if any(part.casefold() in _OLE2_MACRO_STORAGES for path in storages for part in path):
        return None
    root_streams = {path[0].casefold() for path in streams if len(path) == 1}
    for stream, kind in _OLE2_STREAMS:
        if stream in root_streams:
            return kind
    return None
