"""Writing an exporter's table as xlsx with openpyxl's public write-only API (`Workbook(write_only=True)`,
`WriteOnlyCell`, `ws.append`): rows are written as they are appended. The print is the one `page.print_layout`
plans for both formats: 標楷體 named in every cell, rows as tall as their text, the header rows on every page,
page breaks where the plan puts them, A4 landscape fitted to the width and centred, 「第 N 頁，共 M 頁」 in the
footer. Text that looks like a formula is a text cell with Excel's quote prefix: shown as typed, never calculated."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .model import Exporter, looks_like_formula, safe_text
from .page import (
    BOLD,
    COUNTRY,
    DIGIT,
    FONT_NAME,
    FONT_SIZE,
    FOOTER,
    FOOTER_DISTANCE,
    LANGUAGE,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    print_layout,
)

THIN = Side(style="thin", color="000000")
BORDERED = {"title": False, "mark": False, "sign": False}
ALIGN = {
    "title": ("center", "center"),
    "mark": ("left", "center"),
    "section": ("left", "center"),
    "header": ("center", "center"),
    "body": ("left", "top"),
    "sign": ("left", "top"),
}
STYLE_NAMES = {"title": "表格標題", "mark": "表號", "section": "段落標題", "header": "欄名", "body": "內文", "sign": "簽核"}
CHINESE_BIG5 = 136  # the font's character set: Traditional Chinese
INCH = 72.0


def named_styles() -> dict[str, NamedStyle]:
    """One named cell style per kind of row, 標楷體 in each (so LibreOffice and Excel show their names)."""
    styles = {}
    for kind, (horizontal, vertical) in ALIGN.items():
        style = NamedStyle(name=STYLE_NAMES[kind])
        style.font = Font(name=FONT_NAME, size=FONT_SIZE[kind], bold=kind in BOLD, charset=CHINESE_BIG5)
        style.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
        if BORDERED.get(kind, True):
            style.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        styles[kind] = style
    return styles


class XlsxRenderer:
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, exporter: Exporter) -> bytes:
        plan = print_layout(exporter)
        workbook = Workbook(write_only=True)
        workbook.properties.language = f"{LANGUAGE}-{COUNTRY}"
        styles = named_styles()
        for style in styles.values():
            workbook.add_named_style(style)
        sheet = workbook.create_sheet((exporter.name or "工作表")[:31])
        self._page(sheet, plan)
        columns = len(plan.widths)
        covered: dict[int, dict[int, str]] = {}  # row → column a span from above covers → the span's kind
        for index, row in enumerate(plan.rows):
            number = index + 1
            sheet.row_dimensions[number].height = round(min(409, row.height), 1)
            if row.page_break:
                sheet.row_breaks.append(Break(id=index))  # after the row above
            cells: dict[int, WriteOnlyCell] = {
                column: self._cell(sheet, None, kind, styles) for column, kind in covered.pop(number, {}).items()
            }
            for span in row.spans:
                cells[span.column] = self._cell(sheet, safe_text(span.value), span.kind, styles)
                last_row, last_column = number + span.rows - 1, span.column + span.colspan - 1
                if span.rows == 1 and span.colspan == 1:
                    continue
                sheet.merged_cells.ranges.add(CellRange(min_col=span.column, min_row=number, max_col=last_column, max_row=last_row))
                for column in range(span.column + 1, last_column + 1):
                    cells[column] = self._cell(sheet, None, span.kind, styles)
                for below in range(number + 1, last_row + 1):
                    covered.setdefault(below, {}).update(dict.fromkeys(range(span.column, last_column + 1), span.kind))
            sheet.append([cells.get(c) for c in range(1, max([*cells, columns]) + 1)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _cell(sheet, value, kind: str, styles: dict) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.style = styles[kind].name
        if looks_like_formula(value):
            cell.data_type = "s"  # never a formula: stored and shown as the text typed
            cell.quotePrefix = True
        return cell

    @staticmethod
    def _page(sheet, plan) -> None:
        """Columns, panes and page properties: a streamed sheet writes them before its first row."""
        for index, points in enumerate(plan.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = round(points / DIGIT, 2)
        sheet.freeze_panes = f"A{plan.header_rows + 1}"
        setup = sheet.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(
            left=MARGIN_SIDE / INCH, right=MARGIN_SIDE / INCH, top=MARGIN_TOP / INCH, bottom=MARGIN_BOTTOM / INCH,
            header=FOOTER_DISTANCE / INCH, footer=FOOTER_DISTANCE / INCH,
        )
        if plan.header_rows:
            sheet.print_title_rows = f"1:{plan.header_rows}"
        before, between, after = FOOTER
        sheet.oddFooter.center.text = f"{before}&P{between}&N{after}"
        sheet.oddFooter.center.font = f"{FONT_NAME},Regular"
        sheet.oddFooter.center.size = 11
