"""Evidence files for the current year's demo (`demo_reports`): a one-page PDF or a small PNG made in memory,
checked by `inspect_upload` as any upload is."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from measures.evidence_files import EvidenceFileInfo, inspect_upload


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page A4 PDF showing `lines` (ASCII) in Helvetica."""
    text = "\n".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 16 Tf 72 760 Td\n{text}\nET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(bars: list[int], width: int = 160, height: int = 90) -> bytes:
    """A valid RGB PNG: a bar chart of `bars` (0–100), blue on white."""
    bars = bars or [0]
    bar_width = width // len(bars)
    blue, white = b"\x1f\x5f\xbf", b"\xff\xff\xff"
    rows = []
    for y in range(height):
        row = b"".join(
            white * 2 + (blue if height - y <= value * height // 100 else white) * (bar_width - 2) for value in bars
        )
        rows.append(b"\x00" + row + white * (width - bar_width * len(bars)))  # filter byte: none

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def evidence_upload(name: str, data: bytes, content_type: str) -> tuple[SimpleUploadedFile, EvidenceFileInfo]:
    """An upload of `data` as `name`, with what `inspect_upload` found (as the report form passes them)."""
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return upload, inspect_upload(upload)
