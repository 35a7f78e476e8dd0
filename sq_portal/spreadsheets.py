"""Writing spreadsheets the way the bureau reads them, safely.

An exporter (see `Exporter`) names itself and yields rows; `XlsxRenderer` writes any exporter: a title row
merged across the table, a header row, wrapped text with borders, column widths for Chinese text, a frozen
header, A4 landscape fitted to the page width, header rows repeated on every printed page and
「第 N 頁，共 M 頁」 in the footer. Every cell from user text goes through `safe_cell`: nothing is ever
written as a formula, and characters a spreadsheet cannot hold are removed, not crashed on."""

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")
XLSX_CELL_LIMIT = 32767


def safe_cell(value):
    """A value as a spreadsheet may hold it: text is stripped of illegal characters, cut to the cell limit,
    and prefixed with an apostrophe-like quote so a leading =, +, -, @, tab or CR is shown as text."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS.sub("", value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text[:XLSX_CELL_LIMIT]


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in Excel character units; a Chinese character is about two


class Exporter:
    """What a spreadsheet holds: an identifier, a name, a title, its columns and a generator of rows."""

    identifier: str = ""
    name: str = ""

    def title(self) -> str:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def rows(self) -> Iterator[list]:
        raise NotImplementedError

    def filename(self, extension: str) -> str:
        return f"{self.title()}.{extension}"


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def estimated_height(values: Iterable, columns: list[Column], line_height: float = 16.5) -> float:
    """A row height that shows all wrapped text: the most lines any cell needs, by column width."""
    lines = 1
    for value, column in zip(values, columns, strict=False):
        if value is None:
            continue
        chars_per_line = max(1, int(column.width / 2))  # Chinese characters take two units
        cell_lines = sum(max(1, -(-len(part) // chars_per_line)) for part in str(value).split("\n"))
        lines = max(lines, cell_lines)
    return min(409, lines * line_height + 4)


class XlsxRenderer:
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, exporter: Exporter) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = exporter.name[:31] or "工作表"
        columns = exporter.columns()
        self._title(sheet, exporter.title(), len(columns))
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=2, column=index, value=safe_cell(column.header))
            cell.font = Font(bold=True)
            cell.alignment = CENTER
            cell.border = BORDER
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        row_number = 2
        for values in exporter.rows():
            row_number += 1
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=index, value=safe_cell(value))
                cell.alignment = WRAP_TOP
                cell.border = BORDER
            sheet.row_dimensions[row_number].height = estimated_height(values, columns)
        self._print_setup(sheet)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _title(sheet: Worksheet, title: str, width: int) -> None:
        sheet.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=14)
        sheet.cell(row=1, column=1).alignment = CENTER
        if width > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.row_dimensions[1].height = 28

    @staticmethod
    def _print_setup(sheet: Worksheet) -> None:
        sheet.freeze_panes = "A3"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:2"
        sheet.oddFooter.center.text = "第 &P 頁，共 &N 頁"
        sheet.print_options.horizontalCentered = True
