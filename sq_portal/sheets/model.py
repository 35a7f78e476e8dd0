"""What an exported table is: rows of cells, with spans as an HTML table has them.

An exporter yields `Row`s; a cell with rowspan/colspan covers the positions to its right and below, and the
rows that follow simply leave those positions out (as <td rowspan> does). Renderers lay the cells out on a
grid, so exporters never count columns themselves."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32767  # characters an xlsx cell holds


def safe_text(value) -> object:
    """User text as a spreadsheet may hold it: characters it cannot store removed, cut to the cell limit.

    Whether it looks like a formula is the renderer's business (it then writes it as plain text)."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS.sub("", value)[:CELL_LIMIT]


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class Cell:
    value: object = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Row:
    """A row of cells. `kind` picks the look: title, section, header or body."""

    cells: list[Cell] = field(default_factory=list)
    kind: str = "body"


class Exporter:
    """A table to export: an identifier, a name, a title, column widths and a generator of rows.

    `header_rows` is how many first rows repeat on every printed page."""

    identifier: str = ""
    name: str = ""
    header_rows: int = 2

    def title(self) -> str:
        raise NotImplementedError

    def column_widths(self) -> list[float]:
        """Widths in Excel character units (a Chinese character takes about two)."""
        raise NotImplementedError

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def filename(self, extension: str) -> str:
        return f"{self.title()}.{extension}"


class PlacedCell(NamedTuple):
    row: int  # 1-based
    column: int  # 1-based
    cell: Cell
    kind: str


def layout(rows) -> Iterator[tuple[int, str, list[PlacedCell]]]:
    """Place each row's cells on the grid, skipping positions that spans from above cover.

    Yields (row number, kind, placed cells) one row at a time, so a renderer never holds the table twice."""
    covered: dict[int, set[int]] = {}  # row → the columns spans from rows above cover in it
    for row_number, row in enumerate(rows, start=1):
        kind = row.kind
        taken = covered.pop(row_number, ())
        column = 1
        placed = []
        for cell in row.cells:
            while column in taken:
                column += 1
            placed.append(PlacedCell(row_number, column, cell, kind))
            colspan, rowspan = cell.colspan, cell.rowspan
            if rowspan > 1:
                columns = range(column, column + colspan)
                for r in range(row_number + 1, row_number + rowspan):
                    covered.setdefault(r, set()).update(columns)
            column += colspan
        yield row_number, kind, placed


def line_count(value, width: float) -> int:
    """How many lines `value` takes in a column `width` units wide (Chinese characters take two units)."""
    if value is None:
        return 1
    per_line = max(1, int(width / 2))
    return sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))
