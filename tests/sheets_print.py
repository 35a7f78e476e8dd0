"""Printing exports the way a clerk does (LibreOffice to PDF) and reading the print back (pdftotext).

`printed_pages` converts several files in one soffice call and returns each PDF's pages as text.
`print_problems` compares a print with what `page.print_layout` planned, page by page: every page holds its
header rows, the body rows planned for it and 「第 N 頁，共 M 頁」, character for character (whitespace aside,
so a clipped line is missing characters), and no page is empty or ends with a heading."""

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from sq_portal.sheets.model import safe_text
from sq_portal.sheets.page import FOOTER, KEEP_WITH_NEXT, print_layout

TOOLS_MISSING = next(
    (f"{tool} is not installed (CI installs {package})" for tool, package in
     (("soffice", "libreoffice-calc-nogui"), ("pdftotext", "poppler-utils")) if shutil.which(tool) is None),
    None,
)


def printed_pages(files: list[Path], workdir: Path) -> dict[Path, list[str]]:
    outdir = workdir / "pdf"
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{workdir}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pages = {}
    for file in files:
        pdf = outdir / f"{file.stem}.pdf"
        assert pdf.exists(), (file, result.stdout, result.stderr)
        # -raw (content order): the default reading order drops the hyphen of a line that ends in one (tw-|aed.mohw).
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages[file] = text.split("\f")[:-1]
    return pages


def _letters(*texts) -> Counter:
    return Counter(ch for text in texts if text is not None for ch in str(safe_text(text)) if not ch.isspace())


def print_problems(exporter, pages: list[str]) -> list[str]:
    plan = print_layout(exporter)
    problems = []
    if len(pages) != len(plan.pages):
        problems.append(f"{len(pages)} pages printed, {len(plan.pages)} planned")
    header = [span.value for row in plan.rows[: plan.header_rows] for span in row.spans]
    for number, (text, body) in enumerate(zip(pages, plan.pages, strict=False), start=1):
        rows = [plan.rows[i] for i in body]
        if any(row.kind == "body" for row in plan.rows) and (not rows or all(row.kind in KEEP_WITH_NEXT for row in rows)):
            problems.append(f"page {number} holds no body row")
        elif rows and rows[-1].kind in KEEP_WITH_NEXT and rows[-1].spans and number < len(plan.pages):
            problems.append(f"page {number} ends with the heading {rows[-1].spans[0].value!r}")
        before, between, after = FOOTER
        expected = _letters(*header, *(span.value for row in rows for span in row.spans), f"{before}{number}{between}{len(plan.pages)}{after}")
        printed = _letters(text)
        if printed != expected:
            missing, extra = expected - printed, printed - expected
            problems.append(f"page {number}: missing {''.join(missing.elements())[:80]!r}, extra {''.join(extra.elements())[:80]!r}")
    return problems
