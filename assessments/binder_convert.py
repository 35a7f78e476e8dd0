"""Turning one chosen file into PDF pages for the binder: a PDF as it is, an image placed on a page, an Office or
ODF file converted by LibreOffice headless (with a time limit). A file that cannot be turned into pages gets
the reason instead, and the binder lists it and ships it in the zip."""

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .binder_pages import image_page

OFFICE_TYPES = frozenset(
    {
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)


@dataclass(frozen=True)
class Converted:
    """A file as pages (`path`, `pages`, how: 併入 / 圖片 / 轉檔) or, `path` None, why it could not be."""

    path: Path | None
    pages: int = 0
    how: str = ""
    reason: str = ""


def pdf_pages(path: Path) -> int:
    """How many pages pypdf finds in the PDF (0 when it cannot read it)."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return 0
        return len(reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return 0


def to_pdf(path: Path, content_type: str, workdir: Path) -> Converted:
    if content_type == "application/pdf":
        pages = pdf_pages(path)
        return (
            Converted(path, pages, "併入")
            if pages
            else Converted(None, reason="PDF 檔案無法讀取（可能已損毀或設有密碼）。")
        )
    if content_type.startswith("image/"):
        target = path.with_suffix(".image.pdf")
        try:
            image_page(path, target)
        except (UnidentifiedImageError, OSError, ValueError, RuntimeError):
            return Converted(None, reason="圖片無法讀取（可能已損毀或格式不符）。")
        return Converted(target, 1, "圖片")
    if content_type in OFFICE_TYPES:
        return office_to_pdf(path, workdir)
    return Converted(None, reason="此檔案類型不能轉為 PDF。")


def office_to_pdf(path: Path, workdir: Path) -> Converted:
    """LibreOffice headless, with its own profile under `workdir` and BINDER_CONVERT_TIMEOUT seconds."""
    soffice = shutil.which(settings.BINDER_SOFFICE)
    if soffice is None:
        return Converted(None, reason="伺服器未安裝 LibreOffice，Office／ODF 檔案未能轉為 PDF。")
    outdir = workdir / "converted"
    outdir.mkdir(exist_ok=True)
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(path),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    try:
        process.wait(timeout=settings.BINDER_CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return Converted(None, reason=f"LibreOffice 轉檔超過 {settings.BINDER_CONVERT_TIMEOUT} 秒，已停止。")
    target = outdir / f"{path.stem}.pdf"
    pages = pdf_pages(target) if process.returncode == 0 and target.exists() else 0
    if not pages:
        return Converted(None, reason="LibreOffice 無法轉換此檔案（可能已損毀或格式不符）。")
    return Converted(target, pages, "轉檔")
