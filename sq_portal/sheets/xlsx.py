"""Writing an exporter's table as xlsx with openpyxl: merged cells with borders on every cell they cover,
wrapped text, row heights that show it all, a frozen header, A4 landscape fitted to the page width,
header rows on every printed page and 「第 N 頁，共 M 頁」 in the footer. Text that looks like a formula is
written as a text cell with Excel's quote prefix, so it is shown and kept as typed and never calculated."""

import io
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

try:  # the fast path for text cells writes into et_xmlfile's stream; without it every cell goes through openpyxl
    from et_xmlfile.xmlfile import _IncrementalFileWriter
except ImportError:  # pragma: no cover - another et_xmlfile; tests/test_form_exports.py compares both paths
    _IncrementalFileWriter = None
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
        spans: dict[tuple[int, int], float] = {}  # (column, colspan) → the width the cell spans
        row_heights = sheet.row_heights = {}
        covering: dict[int, dict[int, str]] = {}  # row → column a span from above covers → the span's kind
        for row_number, kind, placed in layout(exporter.rows()):
            lines = 1
            for item in placed:
                cell = item.cell
                if cell.rowspan == 1:
                    key = (item.column, cell.colspan)
                    span_width = spans.get(key)
                    if span_width is None:
                        span_width = spans[key] = sum(widths[item.column - 1 : item.column - 1 + cell.colspan])
                    lines = max(lines, line_count(cell.value, span_width))
            height = 28 if kind == "title" else lines * LINE_HEIGHT + 4
            # The attributes a RowDimension with this height writes, without building one per row.
            row_heights[row_number] = {"ht": safe_string(min(409, height)), "customHeight": "1"}
            cells = {column: styles.blank(span_kind) for column, span_kind in covering.pop(row_number, {}).items()}
            for item in placed:
                cell = item.cell
                cells[item.column] = styles.cell(safe_text(cell.value), item.kind)
                if cell.rowspan == 1 and cell.colspan == 1:
                    continue
                last_row = item.row + cell.rowspan - 1
                last_column = item.column + cell.colspan - 1
                # Merged: every cell it covers gets the borders and look too (Excel draws each cell's own).
                # (straight into the set: MultiCellRange.add compares each new range with every earlier one)
                sheet.merged_cells.ranges.add(CellRange(min_col=item.column, min_row=item.row, max_col=last_column, max_row=last_row))
                for column in range(item.column + 1, last_column + 1):
                    cells[column] = styles.blank(item.kind)
                for r in range(item.row + 1, last_row + 1):
                    covering.setdefault(r, {}).update(dict.fromkeys(range(item.column, last_column + 1), item.kind))
            sheet.append([cells.get(c) for c in range(1, max(cells, default=0) + 1)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class _Text(tuple):
    """A text (or empty) cell as (value, kind, quoted): written straight as the XML openpyxl would write
    for it, without building a cell and an element per cell (what most of the time went to)."""

    __slots__ = ()


class _StreamedSheet(WriteOnlyWorksheet):
    """A write-only sheet that is handed ready, styled cells (None where a row has no cell).

    Text cells (`_Text`) are written as the text openpyxl's serialiser produces for them; anything else
    (numbers, dates, text it would treat otherwise) goes through openpyxl's own cell writer."""

    styles: "_Styles"
    row_heights: dict[int, dict[str, str]]  # row → the attributes its height adds to <row>

    def _write_rows(self):
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        raw = xf._file if _IncrementalFileWriter is not None and type(xf) is _IncrementalFileWriter else None  # noqa: SLF001 (the stream it writes to)
        style_ids = self.styles.style_ids
        heights = self.row_heights
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    values = yield
                    attributes = {"r": f"{row_idx}"}
                    attributes.update(heights.get(row_idx, ()))
                    suffix = f"{row_idx}"
                    with xf.element("row", attributes):
                        for column, cell in enumerate(values, start=1):
                            if cell is None:
                                continue
                            if type(cell) is _Text and raw is not None:
                                value, kind, quoted = cell
                                style_id = style_ids.get((kind, quoted))
                                if style_id is None:  # numbered as openpyxl numbers them: when first written
                                    style_id = style_ids[kind, quoted] = self.parent._cell_styles.add(self.styles.arrays[kind, quoted])
                                if value is None:
                                    raw(f'<c r="{_letter(column)}{suffix}" s="{style_id}" t="n" />')
                                elif value == "":
                                    raw(f'<c r="{_letter(column)}{suffix}" s="{style_id}" t="inlineStr" />')
                                else:
                                    raw(f'<c r="{_letter(column)}{suffix}" s="{style_id}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
                                continue
                            if type(cell) is _Text:
                                cell = self.styles.openpyxl_cell(*cell)
                            cell.row, cell.column = row_idx, column
                            write_cell(xf, self, cell, cell.has_style)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


_LETTERS = [get_column_letter(c) for c in range(1, 101)]


def _letter(column: int) -> str:
    return _LETTERS[column - 1] if column <= 100 else get_column_letter(column)


class _Styles:
    """One style per kind of row (and its quote-prefixed twin for text that looks like a formula)."""

    def __init__(self, sheet):
        self.sheet = sheet
        sheet.styles = self
        self.style_ids: dict[tuple[str, bool], int] = {}
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

    def blank(self, kind: str) -> "_Text":
        return _Text((None, kind, False))

    def cell(self, value, kind: str):
        quoted = looks_like_formula(value)
        if value is None or (type(value) is str and value not in ERROR_CODES and (value == "" or value.strip() == value)):
            # Plain text: a text cell (data type "s") whatever it reads like, so it is written straight.
            # (Text with surrounding blanks gets xml:space="preserve" from openpyxl: left to it.)
            return _Text((value, kind, quoted))
        return self.openpyxl_cell(value, kind, quoted)

    def openpyxl_cell(self, value, kind: str, quoted: bool) -> Cell:
        cell = WriteOnlyCell(self.sheet)
        cell._style = StyleArray(self.arrays[kind, quoted])  # before the value: a date sets its number format
        cell.value = value
        if quoted:
            cell.data_type = "s"  # never a formula: stored and shown as the text typed
        return cell
