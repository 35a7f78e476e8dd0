"""Writing an exporter's table as OpenDocument (.ods) with odfpy, the format Taiwan's agencies exchange:
the same cells and merges as the xlsx, wrapped text with borders, A4 landscape scaled to the page width,
header rows repeated on every printed page and 「第 N 頁，共 M 頁」 in the footer. Every cell is a string
cell (office:value-type="string"), so nothing typed is ever calculated."""

import copy
import io

from odf.element import Element
from odf.namespaces import STYLENS, TABLENS
from odf.office import Spreadsheet
from odf.opendocument import OpenDocument
from odf.style import (
    Footer,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TextProperties,
)
from odf.table import CoveredTableCell, Table, TableColumn, TableHeaderRows, TableRow
from odf.table import TableCell as OdfCell
from odf.text import P, PageCount, PageNumber

from .model import Exporter, layout, line_count, safe_text

CM_PER_UNIT = 0.2  # an Excel width unit is roughly 0.2 cm
LINE_CM = 0.66
COLUMNS_SPANNED = (TABLENS, "number-columns-spanned")
ROWS_SPANNED = (TABLENS, "number-rows-spanned")


class _Spreadsheet(OpenDocument):
    """odfpy's spreadsheet document, told which automatic styles its body uses.

    To write content.xml, odfpy walks every element of the document and asks each for eleven kinds of style
    reference, to keep only the automatic styles something uses: a third of the time of writing 附表2. The
    renderer knows what it gave each element, so it names those styles (`body_styles`) and the walk is left
    to the rest (styles.xml's master pages). tests/test_form_exports.py checks the files are the same."""

    def __init__(self):
        super().__init__("application/vnd.oasis.opendocument.spreadsheet")
        self.spreadsheet = Spreadsheet()
        self.body.addElement(self.spreadsheet)
        self.body_styles: set[str] | None = None  # None: let odfpy find them

    def _used_auto_styles(self, segments):
        if self.body_styles is None or not any(segment is self.body for segment in segments):
            return super()._used_auto_styles(segments)
        return [
            style for style in self.automaticstyles.childNodes
            if isinstance(style, Element) and style.getAttrNS(STYLENS, "name") in self.body_styles
        ]


class OdsRenderer:
    extension = "ods"
    content_type = "application/vnd.oasis.opendocument.spreadsheet"

    def __init__(self, *, walk_styles: bool = False):
        self.walk_styles = walk_styles  # True: odfpy finds the used styles itself (tests compare the two)

    def render(self, exporter: Exporter) -> bytes:
        document = _Spreadsheet()
        styles = self._styles(document)
        used = {styles["table"].getAttrNS(STYLENS, "name")}
        widths = exporter.column_widths()
        table = Table(name=(exporter.name or "工作表")[:31], stylename=styles["table"])
        for index, width in enumerate(widths):
            column_style = Style(name=f"co{index + 1}", family="table-column")
            column_style.addElement(TableColumnProperties(columnwidth=f"{width * CM_PER_UNIT:.2f}cm", breakbefore="auto"))
            document.automaticstyles.addElement(column_style)
            table.addElement(TableColumn(stylename=column_style))
            used.add(column_style.getAttrNS(STYLENS, "name"))
        header = TableHeaderRows()
        table.addElement(header)
        cells = _Cells(styles)
        covered: set[tuple[int, int]] = set()
        row_styles: dict[float, Style] = {}
        for row_number, kind, placed in layout(exporter.rows()):
            lines = 1
            for item in placed:
                if item.cell.rowspan == 1:
                    span_width = sum(widths[item.column - 1 : item.column - 1 + item.cell.colspan])
                    lines = max(lines, line_count(item.cell.value, span_width))
            height = round(1.0 if kind == "title" else lines * LINE_CM + 0.15, 2)
            if height not in row_styles:
                row_style = Style(name=f"ro{len(row_styles) + 1}", family="table-row")
                row_style.addElement(TableRowProperties(rowheight=f"{height}cm", useoptimalrowheight="false"))
                document.automaticstyles.addElement(row_style)
                row_styles[height] = row_style
                used.add(row_style.getAttrNS(STYLENS, "name"))
            row = TableRow(stylename=row_styles[height])
            by_column = {item.column: item for item in placed}
            for column in range(1, len(widths) + 1):
                if (row_number, column) in covered:
                    row.addElement(cells.covered(kind), check_grammar=False)
                    continue
                item = by_column.get(column)
                if item is None:
                    row.addElement(cells.empty(kind), check_grammar=False)
                    continue
                row.addElement(cells.cell(item), check_grammar=False)
                for r in range(row_number, row_number + item.cell.rowspan):
                    for c in range(column, column + item.cell.colspan):
                        if (r, c) != (row_number, column):
                            covered.add((r, c))
            covered = {(r, c) for r, c in covered if r > row_number}
            (header if row_number <= exporter.header_rows else table).addElement(row)
        document.spreadsheet.addElement(table)
        if not self.walk_styles:
            document.body_styles = used | {styles[kind].getAttrNS(STYLENS, "name") for kind in cells.kinds_used}
        buffer = io.BytesIO()
        document.write(buffer)
        return buffer.getvalue()

    @staticmethod
    def _styles(document) -> dict:
        layout_style = PageLayout(name="A4Landscape")
        layout_style.addElement(
            PageLayoutProperties(
                pagewidth="29.7cm", pageheight="21cm", printorientation="landscape",
                margintop="1.5cm", marginbottom="1.5cm", marginleft="1.5cm", marginright="1.5cm",
                scaletox="1", scaletoy="0",
            )
        )
        document.automaticstyles.addElement(layout_style)
        master = MasterPage(name="Default", pagelayoutname=layout_style)
        footer = Footer()
        footer.addElement(P(text="第 ") )
        paragraph = footer.childNodes[-1]
        paragraph.addElement(PageNumber())
        paragraph.addText(" 頁，共 ")
        paragraph.addElement(PageCount())
        paragraph.addText(" 頁")
        master.addElement(footer)
        document.masterstyles.addElement(master)
        table_style = Style(name="ta1", family="table", masterpagename="Default")
        table_style.addElement(TableProperties(display="true", writingmode="lr-tb"))
        document.automaticstyles.addElement(table_style)
        border = "0.06pt solid #000000"
        looks = {
            "title": ("center", "middle", "14pt", "bold"),
            "section": ("start", "middle", "12pt", "bold"),
            "header": ("center", "middle", "12pt", "bold"),
            "body": ("start", "top", "12pt", "normal"),
        }
        styles = {"table": table_style}
        for kind, (align, valign, size, weight) in looks.items():
            style = Style(name=f"ce-{kind}", family="table-cell")
            style.addElement(TableCellProperties(wrapoption="wrap", border=border, verticalalign=valign))
            style.addElement(ParagraphProperties(textalign=align))
            style.addElement(TextProperties(fontsize=size, fontweight=weight, fontsizeasian=size, fontweightasian=weight))
            document.automaticstyles.addElement(style)
            styles[kind] = style
        return styles


class _Cells:
    """The table's cells, each copied from one element built per kind of row.

    odfpy reads its schema again for every element it builds (the allowed attributes, converted one by
    one), which cost more than writing the file; a copy of a built cell carries the same tag and
    attributes, so the document is the same."""

    def __init__(self, styles: dict):
        kinds = ["title", "section", "header", "body"]
        self.empties = {kind: OdfCell(stylename=styles[kind]) for kind in kinds}
        self.strings = {kind: OdfCell(stylename=styles[kind], valuetype="string") for kind in kinds}
        self.covereds = {kind: CoveredTableCell(stylename=styles[kind]) for kind in kinds}
        self.paragraph = P()
        self.kinds_used: set[str] = set()

    @staticmethod
    def _copy(prototype, attributes=None):
        element = copy.copy(prototype)
        element.childNodes = []
        element.attributes = {**prototype.attributes, **attributes} if attributes else dict(prototype.attributes)
        return element

    def covered(self, kind: str):
        self.kinds_used.add(kind)
        return self._copy(self.covereds[kind])

    def empty(self, kind: str):
        self.kinds_used.add(kind)
        return self._copy(self.empties[kind])

    def cell(self, item):
        self.kinds_used.add(item.kind)
        value = safe_text(item.cell.value)
        spans = {}
        if item.cell.colspan > 1:
            spans[COLUMNS_SPANNED] = str(item.cell.colspan)
        if item.cell.rowspan > 1:
            spans[ROWS_SPANNED] = str(item.cell.rowspan)
        if value is None or value == "":
            return self._copy(self.empties[item.kind], spans)
        cell = self._copy(self.strings[item.kind], spans)
        for line in str(value).split("\n"):
            paragraph = self._copy(self.paragraph)
            paragraph.addText(line)
            cell.addElement(paragraph, check_grammar=False)
        return cell
