"""The binder's zip: every chosen file as it was uploaded, streamed in (never whole in memory) while its SHA-256
is taken and a working copy is kept for the PDF; the binder PDF itself; and the manifest (manifest.json and
manifest.csv: path in the zip, size, SHA-256, the report and unit each file came from)."""

import csv
import hashlib
import io
import json
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
MANIFEST_COLUMNS = ("path", "name", "size", "sha256", "unit", "report", "measure", "section", "pdf", "note")
MANIFEST_HEADINGS = (
    "zip 內路徑",
    "檔名",
    "大小（位元組）",
    "SHA-256",
    "單位",
    "填報",
    "措施",
    "評核重點",
    "資料冊處理",
    "說明",
)


@dataclass
class ManifestRow:
    path: str
    name: str
    size: int
    sha256: str
    unit: str
    report: str
    measure: str
    section: str
    pdf: str = ""  # 併入 / 圖片 / 轉檔 / 未能轉檔
    note: str = ""
    report_id: int | None = None


def zip_name(*parts: str) -> str:
    """A path inside the zip from cleaned names (no slashes of their own, at most 80 characters each)."""
    return str(PurePosixPath(*[part.replace("/", "／").replace("\\", "＼")[:80] or "_" for part in parts]))


class BinderArchive:
    """A zip being written: originals first, then the PDF and the manifest (`close`)."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path, "w", allowZip64=True)
        self.rows: list[ManifestRow] = []

    def add_original(self, source, arcname: str, copy_to: Path) -> tuple[int, str]:
        """Stream the open file `source` into the zip under `arcname` and into `copy_to`: (size, SHA-256).
        Stored, not deflated: PDFs, images and Office files are compressed already."""
        digest, size = hashlib.sha256(), 0
        with (
            self.zip.open(zipfile.ZipInfo(arcname, date_time=time.localtime()[:6]), "w", force_zip64=True) as target,
            copy_to.open("wb") as copy,
        ):
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
                copy.write(chunk)
        return size, digest.hexdigest()

    def close(self, pdf_path: Path | None, pdf_name: str) -> None:
        if pdf_path is not None:
            self.zip.write(pdf_path, pdf_name)
        rows = [asdict(row) for row in self.rows]
        self.zip.writestr(
            "manifest.json", json.dumps(rows, ensure_ascii=False, indent=1), compress_type=zipfile.ZIP_DEFLATED
        )
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(MANIFEST_HEADINGS)
        for row in rows:
            writer.writerow([row[column] for column in MANIFEST_COLUMNS])
        # With a BOM, so that Excel opens the Chinese as UTF-8.
        self.zip.writestr("manifest.csv", "\ufeff" + text.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
        self.zip.close()
