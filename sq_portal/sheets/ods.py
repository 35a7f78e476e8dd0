"""Writing an exporter's table as OpenDocument (.ods), the format Taiwan's agencies exchange, with odfpy's
public API (`OpenDocumentSpreadsheet`, its `fontfacedecls`, `styles`, `automaticstyles` and `masterstyles`,
and its element classes). The print is the xlsx's (`page.print_layout`): the same cells, merges, row heights,
page breaks, margins, header rows, fit to width, centring and footer; 標楷體 with zh-TW as the language in
every cell style. Every cell is a string cell (office:value-type="string"), so nothing typed is calculated."""

import io

from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemMapNamed, ConfigItemSet
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    FontFace,
    Footer,
    FooterStyle,
    HeaderFooterProperties,
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

from .model import Exporter, safe_text
from .page import (
    BOLD,
    COUNTRY,
    FONT_NAME,
    FONT_SIZE,
    FOOTER,
    FOOTER_DISTANCE,
    LANGUAGE,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    print_layout,
)
from .xlsx import ALIGN, BORDERED, STYLE_NAMES

BORDER = "0.5pt solid #000000"
# Cells and rows get their attributes by qualified name (odfpy's `qattributes`), set as given: keywords are looked
# up in the grammar one by one, about a tenth of a 3,000-row 附表1's ods (2.0 → 1.75 s here).
STYLE_NAME, VALUE_TYPE = (TABLENS, "style-name"), (OFFICENS, "value-type")
ROWS_SPANNED, COLUMNS_SPANNED = (TABLENS, "number-rows-spanned"), (TABLENS, "number-columns-spanned")
TEXT_ALIGN = {"left": "start", "center": "center"}
VERTICAL_ALIGN = {"top": "top", "center": "middle"}


def text_properties(size: float, bold: bool) -> TextProperties:
    weight = "bold" if bold else "normal"
    return TextProperties(
        fontname=FONT_NAME, fontnameasian=FONT_NAME, fontnamecomplex=FONT_NAME,
        fontsize=f"{size}pt", fontsizeasian=f"{size}pt", fontweight=weight, fontweightasian=weight,
        language=LANGUAGE, country=COUNTRY, languageasian=LANGUAGE, countryasian=COUNTRY,
    )


class OdsRenderer:
    extension = "ods"
    content_type = "application/vnd.oasis.opendocument.spreadsheet"

    def render(self, exporter: Exporter) -> bytes:
        plan = print_layout(exporter)
        document = OpenDocumentSpreadsheet()
        styles = self._styles(document)
        table = Table(name=(exporter.name or "工作表")[:31], stylename=styles["table"])
        for index, points in enumerate(plan.widths, start=1):
            column_style = Style(name=f"co{index}", family="table-column")
            column_style.addElement(TableColumnProperties(columnwidth=f"{points:.1f}pt", breakbefore="auto"))
            document.automaticstyles.addElement(column_style)
            table.addElement(TableColumn(stylename=column_style))
        header = TableHeaderRows()
        if plan.header_rows:
            table.addElement(header)
        row_styles: dict[tuple[float, bool], Style] = {}
        columns = len(plan.widths)
        covered: dict[int, set[int]] = {}  # row index → the columns spans from above cover in it
        for index, row in enumerate(plan.rows):
            key = (round(row.height, 1), row.page_break)
            if key not in row_styles:
                row_style = Style(name=f"ro{len(row_styles) + 1}", family="table-row")
                row_style.addElement(TableRowProperties(
                    rowheight=f"{key[0]}pt", useoptimalrowheight="false", breakbefore="page" if key[1] else "auto",
                ))
                document.automaticstyles.addElement(row_style)
                row_styles[key] = row_style
            element = TableRow(qattributes={STYLE_NAME: row_styles[key].getAttribute("name")})
            taken = covered.pop(index, set())
            spans = {span.column: span for span in row.spans}
            column = 1
            while column <= columns:
                span = spans.get(column)
                if span is None:
                    element.addElement(CoveredTableCell() if column in taken else OdfCell(qattributes={STYLE_NAME: STYLE_NAMES[row.kind]}))
                    column += 1
                    continue
                element.addElement(self._cell(span))
                for below in range(index + 1, index + span.rows):
                    covered.setdefault(below, set()).update(range(column, column + span.colspan))
                for _ in range(1, span.colspan):
                    element.addElement(CoveredTableCell())
                column += span.colspan
            (header if index < plan.header_rows else table).addElement(element)
        document.spreadsheet.addElement(table)
        self._settings(document, table, plan.header_rows)
        buffer = io.BytesIO()
        document.write(buffer)
        return buffer.getvalue()

    @staticmethod
    def _cell(span) -> OdfCell:
        value = safe_text(span.value)
        attributes = {STYLE_NAME: STYLE_NAMES[span.kind]}
        if span.colspan > 1:
            attributes[COLUMNS_SPANNED] = str(span.colspan)
        if span.rows > 1:
            attributes[ROWS_SPANNED] = str(span.rows)
        if value is None or value == "":
            return OdfCell(qattributes=attributes)
        attributes[VALUE_TYPE] = "string"
        cell = OdfCell(qattributes=attributes)
        for line in str(value).split("\n"):
            cell.addElement(P(text=line))
        return cell

    @staticmethod
    def _styles(document) -> dict:
        document.fontfacedecls.addElement(FontFace(name=FONT_NAME, fontfamily=FONT_NAME, fontfamilygeneric="roman", fontpitch="variable"))
        default = Style(name="Default", family="table-cell")
        default.addElement(text_properties(FONT_SIZE["body"], False))
        document.styles.addElement(default)
        page = PageLayout(name="A4Landscape")
        page.addElement(PageLayoutProperties(
            pagewidth=f"{PAGE_WIDTH}pt", pageheight=f"{PAGE_HEIGHT}pt", printorientation="landscape",
            margintop=f"{MARGIN_TOP}pt", marginbottom=f"{FOOTER_DISTANCE}pt",
            marginleft=f"{MARGIN_SIDE}pt", marginright=f"{MARGIN_SIDE}pt",
            scaletox="1", scaletoy="0", tablecentering="horizontal", printpageorder="ttb",
        ))
        footer_look = FooterStyle()
        footer_look.addElement(HeaderFooterProperties(minheight="0pt", margintop=f"{MARGIN_BOTTOM - FOOTER_DISTANCE - 14:.1f}pt"))
        page.addElement(footer_look)
        document.automaticstyles.addElement(page)
        master = MasterPage(name="Default", pagelayoutname=page)
        footer = Footer()
        before, between, after = FOOTER
        paragraph = P(text=before)
        paragraph.addElement(PageNumber())
        paragraph.addText(between)
        paragraph.addElement(PageCount())
        paragraph.addText(after)
        footer.addElement(paragraph)
        master.addElement(footer)
        document.masterstyles.addElement(master)
        table_style = Style(name="ta1", family="table", masterpagename="Default")
        table_style.addElement(TableProperties(display="true", writingmode="lr-tb"))
        document.automaticstyles.addElement(table_style)
        styles = {"table": table_style}
        for kind, (horizontal, vertical) in ALIGN.items():
            style = Style(name=STYLE_NAMES[kind], family="table-cell", parentstylename=default)
            properties = {"wrapoption": "wrap", "verticalalign": VERTICAL_ALIGN[vertical]}
            if BORDERED.get(kind, True):
                properties["border"] = BORDER
            style.addElement(TableCellProperties(**properties))
            style.addElement(ParagraphProperties(textalign=TEXT_ALIGN[horizontal]))
            style.addElement(text_properties(FONT_SIZE[kind], kind in BOLD))
            document.styles.addElement(style)
            styles[kind] = style
        return styles

    @staticmethod
    def _settings(document, table, header_rows: int) -> None:
        """The frozen header, as LibreOffice keeps it: the table's view settings."""
        if not header_rows:
            return
        view = ConfigItemSet(name="ooo:view-settings")
        views = ConfigItemMapIndexed(name="Views")
        entry = ConfigItemMapEntry()
        entry.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
        tables = ConfigItemMapNamed(name="Tables")
        sheet = ConfigItemMapEntry(name=table.getAttribute("name"))
        for name, value in (
            ("VerticalSplitMode", "2"), ("VerticalSplitPosition", str(header_rows)), ("ActiveSplitRange", "2"),
            ("PositionBottom", str(header_rows)), ("HorizontalSplitMode", "0"),
        ):
            sheet.addElement(ConfigItem(name=name, type="short" if "Mode" in name or "Range" in name else "int", text=value))
        tables.addElement(sheet)
        entry.addElement(tables)
        views.addElement(entry)
        view.addElement(views)
        document.settings.addElement(view)
