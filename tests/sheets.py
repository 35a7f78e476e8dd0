"""Reading produced spreadsheets back in tests: xlsx with openpyxl, ods with odfpy (spans included)."""

import io

from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import load as load_ods
from openpyxl import load_workbook


def xlsx_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def xlsx_values(sheet) -> list[list]:
    """Cell values row by row; merged-over cells read as None, as Excel stores them."""
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def ods_grid(data: bytes) -> tuple[list[list], list[str]]:
    """(values row by row with covered cells as None, merged ranges like 'A3:A4') of the first table."""
    document = load_ods(io.BytesIO(data))
    sheet = document.spreadsheet.getElementsByType(odf_table.Table)[0]
    rows, merges = [], []
    for r, row in enumerate(sheet.getElementsByType(odf_table.TableRow), start=1):
        values = []
        for element in row.childNodes:
            if element.qname[1] == "covered-table-cell":
                values.append(None)
                continue
            if element.qname[1] != "table-cell":
                continue
            paragraphs = element.getElementsByType(odf_text.P)
            text = "\n".join("".join(str(node) for node in p.childNodes) for p in paragraphs)
            values.append(text if paragraphs else None)
            rows_spanned = int(element.getAttribute("numberrowsspanned") or 1)
            columns_spanned = int(element.getAttribute("numbercolumnsspanned") or 1)
            if rows_spanned > 1 or columns_spanned > 1:
                column = len(values)
                merges.append(f"{_letter(column)}{r}:{_letter(column + columns_spanned - 1)}{r + rows_spanned - 1}")
        rows.append(values)
    return rows, merges


def _letter(column: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[column - 1]
