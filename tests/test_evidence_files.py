"""佐證資料上傳檢查：類型依內容判斷、大小限制、SHA-256、原始檔名整理。

Every file is built here from bytes (no fixtures on disk, no database)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import struct
import zipfile
import zlib

import filetype
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from measures.evidence_files import (
    ALLOWED_KINDS,
    MAX_EVIDENCE_BYTES_DEFAULT,
    EvidenceFileInfo,
    clean_original_name,
    inspect_upload,
)

# --- building real small files -----------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A minimal valid one-page PDF; ``padding`` adds a comment of that many bytes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    if padding:
        out += b"%" + b"x" * (padding - 2) + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes() -> bytes:
    """A 1×1 green PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\xff\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A 1×1 grey baseline JPEG (one DC code, one EOB code)."""
    def segment(marker: int, body: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body

    def huffman_table(table_class_and_id: int) -> bytes:
        return segment(0xC4, bytes([table_class_and_id]) + bytes([1] + [0] * 15) + b"\x00")

    return (
        b"\xff\xd8"
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
        + huffman_table(0x00)
        + huffman_table(0x10)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"
        + b"\xff\xd9"
    )


GIF_BYTES = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
WEBP_BYTES = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")  # 1×1 lossless

OOXML_PARTS = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def zip_bytes(members: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    """A ZIP with the given members in order (deflated; the first one stored if asked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def ooxml_bytes(kind: str, *, main_type: str | None = None, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A real .docx/.xlsx/.pptx: [Content_Types].xml, _rels/.rels and the main part."""
    part, default_type = OOXML_PARTS[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type or default_type}"/>'
        "</Types>"
    ).encode()
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="' + part + '" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ).encode()
    body = b'<?xml version="1.0" encoding="UTF-8"?><root>\xe4\xbd\x90\xe8\xad\x89</root>'
    return zip_bytes([("[Content_Types].xml", content_types), ("_rels/.rels", rels), (part, body), *extra])


def odf_bytes(mimetype: str, *, mimetype_first: bool = True) -> bytes:
    """A real ODF package: ``mimetype`` first and stored, then content and manifest."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    ).encode()
    content = b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>'
    members = [("mimetype", mimetype.encode()), ("content.xml", content), ("META-INF/manifest.xml", manifest)]
    if not mimetype_first:
        members = members[1:] + members[:1]
    return zip_bytes(members, stored_first=mimetype_first)


END_OF_CHAIN, FAT_SECTOR, FREE, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def ole2_bytes(root_children: list[str], *, nested: tuple[str, str] | None = None, first_data: bytes = b"") -> bytes:
    """A minimal real OLE2 compound file (version 3, 512-byte sectors).

    The root's children are streams with the given names (a right-leaning sibling
    chain); ``nested`` = (storage, stream) adds a storage holding one stream.  Sectors
    0–7 hold the first stream's 4 096 bytes, sector 8 is the FAT, sector 9 the directory.
    """
    data = (first_data + bytes(4096))[:4096]
    entries: list[bytes] = []

    def entry(name: str, kind: int, left: int = NO_STREAM, right: int = NO_STREAM, child: int = NO_STREAM,
              start: int = END_OF_CHAIN, size: int = 0) -> bytes:
        raw_name = (name + "\x00").encode("utf-16-le")
        return (
            raw_name.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw_name), kind, 1)
            + struct.pack("<III", left, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    names = list(root_children) + ([nested[0]] if nested else [])
    entries.append(entry("Root Entry", 5, child=1))
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM
        if nested and name == nested[0]:
            entries.append(entry(name, 1, right=right, child=len(names) + 1))
        elif index == 1:
            entries.append(entry(name, 2, right=right, start=0, size=4096))
        else:
            entries.append(entry(name, 2, right=right, size=0))
    if nested:
        entries.append(entry(nested[1], 2, size=0))
    while len(entries) % 4:
        entries.append(entry("", 0))
    directory = b"".join(entries)
    directory_sectors = len(directory) // 512

    fat = [1, 2, 3, 4, 5, 6, 7, END_OF_CHAIN, FAT_SECTOR]
    for number in range(directory_sectors):
        fat.append(9 + number + 1 if number + 1 < directory_sectors else END_OF_CHAIN)
    fat += [FREE] * (128 - len(fat))

    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 9, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
    struct.pack_into("<109I", header, 0x4C, 8, *([FREE] * 108))
    return bytes(header) + data + struct.pack("<128I", *fat) + directory


WORD_FIB_MAGIC = b"\xec\xa5\xc1\x00"  # what filetype looks for at offset 512


def upload(data: bytes, name: str = "附件.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    """An upload that lies about its type: name and content type are not looked at."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(data: bytes, name: str = "附件.pdf") -> ValidationError:
    """The ValidationError raised for this content."""
    with pytest.raises(ValidationError) as caught:
        inspect_upload(upload(data, name))
    return caught.value


ALLOWED_SENTENCE = "只接受 PDF、圖片（JPEG、PNG、GIF、WebP）、Office 文件（Word、Excel、PowerPoint）與 ODF 文件（ODT、ODS、ODP）"

# --- accepted files ------------------------------------------------------------------------

ACCEPTED = [
    ("pdf", pdf_bytes()),
    ("png", png_bytes()),
    ("jpg", jpeg_bytes()),
    ("gif", GIF_BYTES),
    ("webp", WEBP_BYTES),
    ("docx", ooxml_bytes("docx")),
    ("xlsx", ooxml_bytes("xlsx")),
    ("pptx", ooxml_bytes("pptx")),
    ("odt", odf_bytes("application/vnd.oasis.opendocument.text")),
    ("ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet")),
    ("odp", odf_bytes("application/vnd.oasis.opendocument.presentation")),
    ("doc", ole2_bytes(["WordDocument", "1Table"], first_data=WORD_FIB_MAGIC)),
    ("xls", ole2_bytes(["Workbook", "\x05SummaryInformation"])),
    ("ppt", ole2_bytes(["PowerPoint Document", "Current User"])),
]


@pytest.mark.parametrize(("extension", "data"), ACCEPTED, ids=[extension for extension, _ in ACCEPTED])
def test_it_detects_allowed_kinds_by_content_not_by_name(extension: str, data: bytes) -> None:
    info = inspect_upload(upload(data, name="騙你的.exe", content_type="application/x-msdownload"))

    assert info == EvidenceFileInfo(
        extension=extension,
        content_type=ALLOWED_KINDS[extension][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name="騙你的.exe",
    )


def test_it_covers_every_allowed_kind_and_labels_them_in_chinese() -> None:
    assert {extension for extension, _ in ACCEPTED} == set(ALLOWED_KINDS)
    assert ALLOWED_KINDS["pdf"] == ("application/pdf", "PDF 文件")
    assert all(label and content_type for content_type, label in ALLOWED_KINDS.values())
    assert MAX_EVIDENCE_BYTES_DEFAULT == 10 * 1024 * 1024


def test_it_builds_a_doc_that_filetype_also_recognises() -> None:
    data = ole2_bytes(["WordDocument", "1Table"], first_data=WORD_FIB_MAGIC)

    assert filetype.guess(data).extension == "doc"


@pytest.mark.parametrize("storage, stream", [("Macros", "VBA"), ("_VBA_PROJECT_CUR", "PROJECT"), ("VBA", "dir")])
def test_it_refuses_legacy_office_files_that_carry_vba_macros(storage, stream) -> None:
    """A .doc with a Macros storage (Word), an .xls with _VBA_PROJECT_CUR (Excel), any file with a VBA storage."""
    data = ole2_bytes(["WordDocument", "1Table"], nested=(storage, stream), first_data=WORD_FIB_MAGIC)
    assert refused(data, "報告.doc").code == "type"
    assert inspect_upload(upload(ole2_bytes(["WordDocument", "1Table"], first_data=WORD_FIB_MAGIC), "報告.doc")).extension == "doc"


def test_it_judges_ole2_by_the_root_streams_not_by_embedded_objects() -> None:
    """An Excel workbook that embeds a Word document is still an Excel workbook."""
    data = ole2_bytes(["Workbook"], nested=("MBD0001", "WordDocument"))

    assert inspect_upload(upload(data)).extension == "xls"


def test_it_reads_a_temporary_upload_in_chunks_and_rewinds_it() -> None:
    data = pdf_bytes(padding=300_000)
    temporary = TemporaryUploadedFile("大檔.pdf", "application/pdf", len(data), None)
    temporary.write(data)
    temporary.flush()
    reads: list[int] = []
    real_read = temporary.file.read

    def spying_read(size: int = -1) -> bytes:
        reads.append(size)
        return real_read(size)

    temporary.file.read = spying_read
    try:
        info = inspect_upload(temporary)

        assert info.extension == "pdf"
        assert info.size == len(data)
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        assert len(reads) > 3
        assert all(0 < size <= 64 * 1024 for size in reads)
        assert temporary.tell() == 0
        assert temporary.read() == data
    finally:
        temporary.close()


def test_it_rewinds_the_file_after_refusing_it() -> None:
    file = upload(b"<html><script>alert(1)</script></html>")
    file.read(5)

    with pytest.raises(ValidationError):
        inspect_upload(file)

    assert file.tell() == 0


def test_it_rewinds_after_looking_inside_a_zip() -> None:
    file = upload(ooxml_bytes("docx"))

    inspect_upload(file)

    assert file.tell() == 0


# --- size ----------------------------------------------------------------------------------


def test_it_refuses_an_empty_file() -> None:
    error = refused(b"")

    assert error.code == "empty"
    assert error.messages == ["檔案是空的，請重新選擇檔案。"]


def test_it_accepts_a_file_exactly_at_the_limit(settings) -> None:
    settings.EVIDENCE_MAX_BYTES = 1000
    data = pdf_bytes(padding=1000 - len(pdf_bytes()))
    assert len(data) == 1000

    assert inspect_upload(upload(data)).size == 1000


def test_it_refuses_a_file_one_byte_over_the_limit(settings) -> None:
    settings.EVIDENCE_MAX_BYTES = 1000
    data = pdf_bytes(padding=1001 - len(pdf_bytes()))

    error = refused(data)

    assert error.code == "too_large"
    assert error.messages == ["檔案大小 1001 位元組，超過上限 1000 位元組。"]
    assert error.params == {"size": 1001, "limit": 1000}


def test_it_names_the_default_limit_in_mb() -> None:
    data = b"%PDF-1.4\n" + bytes(int(12.3 * 1024 * 1024)) + b"%%EOF\n"

    error = refused(data)

    assert error.code == "too_large"
    assert error.messages == ["檔案大小 12.3 MB，超過上限 10 MB。"]


def test_it_does_not_print_the_limit_twice_when_just_over_it() -> None:
    error = refused(b"%PDF-1.4\n" + bytes(10 * 1024 * 1024))

    assert error.messages == ["檔案大小 10.1 MB，超過上限 10 MB。"]


def test_it_reads_the_limit_at_call_time(settings) -> None:
    data = pdf_bytes()
    assert inspect_upload(upload(data)).size == len(data)

    settings.EVIDENCE_MAX_BYTES = len(data) - 1

    assert refused(data).code == "too_large"


# --- refused content ----------------------------------------------------------------------


def plain_zip() -> bytes:
    return zip_bytes([("說明.txt", "只是文字".encode()), ("data/a.txt", b"hello")])


ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(200)
PE_HEADER = b"MZ\x90\x00" + bytes(56) + struct.pack("<I", 64) + b"PE\x00\x00\x64\x86" + bytes(200)

REFUSED = {
    "random bytes": os.urandom(4096),
    "plain zip of text files": plain_zip(),
    "html named pdf": b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "bare svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "elf executable": ELF_HEADER,
    "pe executable": PE_HEADER,
    "pdf header without %%EOF": pdf_bytes()[:-7],
    "pdf magic not at the start": b" " + pdf_bytes(),
    "truncated zip": ooxml_bytes("docx")[:200],
    "zip signature then garbage": b"PK\x03\x04" + os.urandom(500),
    "epub": odf_bytes("application/epub+zip"),
    "odf with mimetype not first": odf_bytes("application/vnd.oasis.opendocument.text", mimetype_first=False),
    "odf with padded mimetype": zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.text\n")]),
    "content types without a part folder": zip_bytes([("[Content_Types].xml", b"<Types/>"), ("x/a.xml", b"<a/>")]),
    "word folder without content types": zip_bytes([("word/document.xml", b"<w/>")]),
    "docm (macro-enabled)": ooxml_bytes(
        "docx",
        main_type="application/vnd.ms-word.document.macroEnabled.main+xml",
        extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")],
    ),
    "docx carrying a vbaProject.bin": ooxml_bytes("docx", extra=[("word/vbaProject.bin", b"\x00")]),
    "dotx (template)": ooxml_bytes(
        "docx", main_type="application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    ),
    "zip bomb in a docx": ooxml_bytes("docx", extra=[("word/media/zero.bin", bytes(20 * 1024 * 1024))]),
    "too many zip entries": zip_bytes(
        [("[Content_Types].xml", b"<Types/>")] + [(f"word/{number}.xml", b"") for number in range(10_001)]
    ),
    "bare ole2 header": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
    "bare ole2 header with the word magic": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + WORD_FIB_MAGIC + bytes(4000)
    ),
    "ole2 without an office stream (msi-like)": ole2_bytes(["\u4840\u3b3f\u43f2", "SummaryInformation"]),
    "truncated ole2": ole2_bytes(["WordDocument"])[:4700],
    "tiff image": b"II*\x00\x08\x00\x00\x00" + bytes(100),
    "gzip": b"\x1f\x8b\x08\x00" + bytes(100),
    "riff wave (not webp)": b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100),
    "plain text": "第一季執行進度：已完成。".encode(),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_it_refuses_content_that_is_not_an_allowed_kind(data: bytes) -> None:
    error = refused(data, name="進度報告.pdf")

    assert error.code == "type"
    assert error.messages == [f"不接受此檔案類型（依檔案內容判斷，與副檔名無關）。{ALLOWED_SENTENCE}。"]


def test_it_refuses_a_plain_zip_even_though_filetype_calls_it_a_zip() -> None:
    assert filetype.guess(plain_zip()).extension == "zip"

    assert refused(plain_zip(), name="報告.docx").code == "type"


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_it_never_raises_anything_but_validation_error_on_random_bytes(data: bytes) -> None:
    try:
        info = inspect_upload(upload(data))
    except ValidationError as error:
        assert error.code in {"empty", "type"}
    else:
        assert info.extension in ALLOWED_KINDS


STRUCTURED_SEEDS = [data for extension, data in ACCEPTED if extension not in ("png", "jpg", "gif", "webp")]


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(STRUCTURED_SEEDS),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8),
    cut=st.none() | st.integers(min_value=1),
)
def test_it_never_crashes_on_damaged_office_and_pdf_files(
    seed: bytes, edits: list[tuple[int, int]], cut: int | None
) -> None:
    """Corrupt real documents byte by byte: the ZIP and OLE2 readers must only ever refuse."""
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data) + 1]
    try:
        info = inspect_upload(upload(bytes(data)))
    except ValidationError as error:
        assert error.code == "type"
    else:
        assert info.extension in ALLOWED_KINDS
        assert info.size == len(data)


# --- original names ------------------------------------------------------------------------

LONG_STEM = "進度" * 150


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("報告.pdf", "報告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\報告.pdf", "報告.pdf"),
        ("\\\\server\\share\\..\\x.docx", "x.docx"),
        ("\u202efdp.exe", "fdp.exe"),
        ("報告\u202e\u2066xslx.exe\u2069.xlsx", "報告xslx.exe.xlsx"),
        ("a\x00b\x07c\x1b.pdf", "abc.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...pdf", "pdf"),
        (" . .htaccess", "htaccess"),
        ("  第一季   成果\t報告\n.pdf  ", "第一季 成果 報告 .pdf"),
        ("", "佐證資料"),
        ("   \t\n ", "佐證資料"),
        ("../..", "佐證資料"),
        ("dir/", "佐證資料"),
        ("\u202e\u202d", "佐證資料"),
        (LONG_STEM + ".pdf", LONG_STEM[:146] + ".pdf"),
        ("a" * 300, "a" * 150),
        ("x" * 299 + ".", "x" * 150),
        ("b" * 200 + ".not an extension", ("b" * 200 + ".not an extension")[:150]),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),
    ],
)
def test_it_cleans_original_names(given_name: str, expected: str) -> None:
    assert clean_original_name(given_name) == expected


@pytest.mark.parametrize("given_name", ["x" * 300 + ".docx", "名" * 300 + ".xlsx", "a " * 200 + ".pdf"])
def test_it_keeps_long_names_within_150_characters_with_their_extension(given_name: str) -> None:
    cleaned = clean_original_name(given_name)

    assert len(cleaned) <= 150
    assert cleaned.endswith(given_name.rsplit(".", 1)[1])


@given(st.text(max_size=400))
def test_it_never_returns_an_unsafe_name(given_name: str) -> None:
    cleaned = clean_original_name(given_name)

    assert 0 < len(cleaned) <= 150
    assert "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith((".", " ")) and not cleaned.endswith(" ")
    assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in cleaned)
    assert not set(cleaned) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    cleaned.encode("utf-8")


def test_it_keeps_the_cleaned_upload_name() -> None:
    info = inspect_upload(upload(pdf_bytes(), name="\u202e 第一季報告.pdf"))

    assert info.original_name == "第一季報告.pdf"
