"""Office files by their container: OOXML (docx/xlsx/pptx) and ODF (odt/ods/odp) inside a ZIP, legacy Office
(doc/xls/ppt) inside an OLE2 compound file. Used by the evidence check (`measures.evidence_files`), which decides
a file's type by its content alone."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping

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


class CorruptOle2(Exception):
    """The OLE2 compound file cannot be read."""


class Ole2Reader:
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
            raise CorruptOle2("bad header")
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
            raise CorruptOle2("no root entry")
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
                raise CorruptOle2("bad chain")
            seen.add(sector)
            sectors.append(sector)
            sector = self._fat_entry(sector)
        return sectors

    def _fat_entry(self, sector: int) -> int:
        """The FAT's next-sector entry for ``sector``."""
        per_sector = self.sector_size // 4
        index = sector // per_sector
        if index >= len(self.fat_sectors):
            raise CorruptOle2("FAT too short")
        fat_sector = self.fat_sectors[index]
        if fat_sector not in self._fat_cache:
            if fat_sector >= self.sector_count:
                raise CorruptOle2("bad FAT sector")
            data = self._read_at(self._offset(fat_sector), self.sector_size)
            self._fat_cache[fat_sector] = struct.unpack(f"<{per_sector}I", data)
        return self._fat_cache[fat_sector][sector % per_sector]

    def _read_difat_chain(self, sector: int, count: int) -> None:
        """Append the FAT sector numbers kept in DIFAT sectors (files over ~7 MB)."""
        per_sector = self.sector_size // 4
        seen: set[int] = set()
        while count > 0 and sector != self._END_OF_CHAIN:
            if sector >= self.sector_count or sector in seen:
                raise CorruptOle2("bad DIFAT chain")
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
            raise CorruptOle2("truncated")
        return data
