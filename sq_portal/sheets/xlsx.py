"""Writing an exporter's table as xlsx with openpyxl: merged cells with borders on every cell they cover,
wrapped text, row heights that show it all, a frozen header, A4 landscape fitted to the page width,
header rows on every printed page and 「第 N 頁，共 M 頁」 in the footer. Text that looks like a formula is
written as a text cell with Excel's quote prefix, so it is shown and kept as typed and never calculated."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .model import Exporter, layout, line_count, looks_like_formula, safe_text

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ALIGN = {
    "title": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "section": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "header": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "body": Alignment(horizontal="left", vertical="top", wrap_text=True),
}
FONT = {"title": Font(bold=True, size=14), "section": Font(bold=True, size=12), "header": Font(bold=True)}
LINE_HEIGHT = 16.5  # points per line of 12-pt text


class XlsxRenderer:
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, exporter: Exporter) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (exporter.name or "工作表")[:31]
        widths = exporter.column_widths()
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row_number, kind, placed in layout(exporter.rows()):
            lines = 1
            for item in placed:
                self._write(sheet, item, widths)
                if item.cell.rowspan == 1:
                    span_width = sum(widths[item.column - 1 : item.column - 1 + item.cell.colspan])
                    lines = max(lines, line_count(item.cell.value, span_width))
            height = 28 if kind == "title" else lines * LINE_HEIGHT + 4
            sheet.row_dimensions[row_number].height = min(409, height)
        sheet.freeze_panes = sheet.cell(row=exporter.header_rows + 1, column=1)
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.print_title_rows = f"1:{exporter.header_rows}"
        sheet.oddFooter.center.text = "第 &P 頁，共 &N 頁"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _write(sheet, item, widths) -> None:
        value = safe_text(item.cell.value)
        cell = sheet.cell(row=item.row, column=item.column)
        cell.value = value
        if looks_like_formula(value):
            cell.data_type = "s"  # never a formula: stored and shown as the text typed
            cell.quotePrefix = True
        last_row = item.row + item.cell.rowspan - 1
        last_column = item.column + item.cell.colspan - 1
        if (last_row, last_column) != (item.row, item.column):
            sheet.merge_cells(start_row=item.row, start_column=item.column, end_row=last_row, end_column=last_column)
        for r in range(item.row, last_row + 1):
            for c in range(item.column, last_column + 1):
                target = sheet.cell(row=r, column=c)
                target.border = BORDER
                target.alignment = ALIGN[item.kind]
                if item.kind in FONT:
                    target.font = FONT[item.kind]
