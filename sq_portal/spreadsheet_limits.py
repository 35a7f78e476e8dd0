"""An uploaded xlsx measured before openpyxl parses it: the uncompressed size of every part (the zip's own
record of it, which zipfile also enforces while reading), and then, streaming the first sheet in read-only mode,
its rows and columns. So a small file cannot make the server build a huge workbook in memory."""

import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook


class SpreadsheetTooLarge(ValueError):
    """The file is over one of the limits; the message says which, in Chinese."""


@dataclass(frozen=True)
class SpreadsheetLimits:
    rows: int
    columns: int = 50
    part_bytes: int = 40 * 1024 * 1024  # any one part uncompressed (a sheet, the shared strings)
    total_bytes: int = 80 * 1024 * 1024  # all parts uncompressed


def check_spreadsheet(data: bytes, limits: SpreadsheetLimits) -> None:
    """Raise SpreadsheetTooLarge when `data` (an xlsx) is over `limits`; anything not a readable zip is left to
    the caller's own parsing, which refuses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > limits.part_bytes:
            raise SpreadsheetTooLarge(
                f"檔案中的「{part.filename}」解壓縮後 {part.file_size / 1048576:.0f} MB，超過上限 "
                f"{limits.part_bytes / 1048576:.0f} MB；請確認檔案內容，或分成數個檔案匯入。"
            )
    if total > limits.total_bytes:
        raise SpreadsheetTooLarge(
            f"檔案解壓縮後共 {total / 1048576:.0f} MB，超過上限 {limits.total_bytes / 1048576:.0f} MB。"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — not readable as a workbook: the caller's own parsing says so in Chinese
        return
    try:
        if not workbook.worksheets:
            return
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if number > limits.rows:
                raise SpreadsheetTooLarge(f"資料超過 {limits.rows} 列，超過匯入上限。")
            if len(row) > limits.columns and any(value is not None for value in row[limits.columns:]):
                raise SpreadsheetTooLarge(f"第 {number} 列超過 {limits.columns} 欄，超過匯入上限。")
    finally:
        workbook.close()
