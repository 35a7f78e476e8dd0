"""Writing an exporter's table as xlsx with openpyxl: merged cells with borders on every cell they cover,
wrapped text, row heights that show it all, a frozen header, A4 landscape fitted to the page width,
header rows on every printed page and 「第 N 頁，共 M 頁」 in the footer. Text that looks like a formula is
written as a text cell with Excel's quote prefix, so it is shown and kept as typed and never calculated."""

import io

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

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
    """Streams the rows (openpyxl write-only): each row is written as it is laid out, and every cell of one
    kind shares one style (font, border, alignment) resolved once per file instead of once per cell."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, exporter: Exporter) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = _StreamedSheet(parent=workbook, title=(exporter.name or "工作表")[:31])
        workbook._add_sheet(sheet)
        widths = exporter.column_widths()
        # A streamed sheet writes its columns, panes and page properties before the first row.
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{exporter.header_rows + 1}"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.print_title_rows = f"1:{exporter.header_rows}"
        sheet.oddFooter.center.text = "第 &P 頁，共 &N 頁"
        styles = _Styles(sheet)
        covering: dict[int, dict[int, str]] = {}  # row → column a span from above covers → the span's kind
        for row_number, kind, placed in layout(exporter.rows()):
            lines = 1
            for item in placed:
                if item.cell.rowspan == 1:
                    span_width = sum(widths[item.column - 1 : item.column - 1 + item.cell.colspan])
                    lines = max(lines, line_count(item.cell.value, span_width))
            height = 28 if kind == "title" else lines * LINE_HEIGHT + 4
            sheet.row_dimensions[row_number].height = min(409, height)
            cells = {column: styles.cell(None, span_kind) for column, span_kind in covering.pop(row_number, {}).items()}
            for item in placed:
                cells[item.column] = styles.cell(safe_text(item.cell.value), item.kind)
                last_row = item.row + item.cell.rowspan - 1
                last_column = item.column + item.cell.colspan - 1
                if (last_row, last_column) == (item.row, item.column):
                    continue
                # Merged: every cell it covers gets the borders and look too (Excel draws each cell's own).
                # (straight into the set: MultiCellRange.add compares each new range with every earlier one)
                sheet.merged_cells.ranges.add(CellRange(min_col=item.column, min_row=item.row, max_col=last_column, max_row=last_row))
                for column in range(item.column + 1, last_column + 1):
                    cells[column] = styles.cell(None, item.kind)
                for r in range(item.row + 1, last_row + 1):
                    covering.setdefault(r, {}).update(dict.fromkeys(range(item.column, last_column + 1), item.kind))
            sheet.append([cells.get(c) for c in range(1, max(cells, default=0) + 1)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class _StreamedSheet(WriteOnlyWorksheet):
    """A write-only sheet that is handed ready, styled cells (None where a row has no cell)."""

    def _values_to_row(self, values, row_idx):
        for column, cell in enumerate(values, start=1):
            if cell is not None:
                cell.row, cell.column = row_idx, column
                yield cell


class _Styles:
    """One style per kind of row (and its quote-prefixed twin for text that looks like a formula)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.arrays: dict[tuple[str, bool], StyleArray] = {}
        for kind, alignment in ALIGN.items():
            for quoted in (False, True):
                template = WriteOnlyCell(sheet)
                template.border = BORDER
                template.alignment = alignment
                if kind in FONT:
                    template.font = FONT[kind]
                if quoted:
                    template.quotePrefix = True
                self.arrays[kind, quoted] = template._style

    def cell(self, value, kind: str) -> Cell:
        quoted = looks_like_formula(value)
        cell = WriteOnlyCell(self.sheet)
        cell._style = StyleArray(self.arrays[kind, quoted])  # before the value: a date sets its number format
        cell.value = value
        if quoted:
            cell.data_type = "s"  # never a formula: stored and shown as the text typed
        return cell
