"""How an exported table prints, decided once for both formats: the font, text measured in ems, rows as tall
as their text, and the pages: header rows on every page, a break never right after a heading, a merged
構面／項目 cell cut by a break repeated on the next page, a cell too tall for a page (or for Excel's 409-pt row)
continued in the rows below it.

Text is measured with East Asian Width: a wide or fullwidth character (and an ambiguous one, which a CJK font
draws wide) takes one em, anything else about half; a word of ASCII letters (a URL, a number) wraps whole, as
LibreOffice and Excel wrap it, and a closing mark never starts a line. The line height is the fallback face's
(Noto Sans CJK: 1.45 em), which is taller than 標楷體's, so a row never cuts its text on either."""

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate

from .model import Exporter, layout

FONT_NAME = "標楷體"  # on every government PC; elsewhere fontconfig picks a Traditional Chinese face for zh-TW
LANGUAGE, COUNTRY = "zh", "TW"
FONT_SIZE = {"title": 16, "mark": 12, "section": 12, "header": 12, "body": 12, "sign": 12}
BOLD = {"title", "mark", "section", "header"}
KEEP_WITH_NEXT = {"section", "header"}  # never the last row of a page
KEEP_WITH_PREVIOUS = {"sign"}  # never the first row of a page
LINE_SPACING = 1.45  # ems per line
CELL_PADDING = 5.0  # points of a column's width that text may not use
ROW_PADDING = 5.0  # points above and below a cell's text
SIGN_HEIGHT = 60.0  # room to sign in
MAX_ROW_HEIGHT = 400.0  # Excel's rows stop at 409 pt
MIN_PRINTED_SIZE = 10.0  # points, after fit to width

# A4 landscape, in points; margins as both renderers write them (the footer sits in the bottom margin).
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3
MARGIN_SIDE = MARGIN_TOP = 42.5  # 1.5 cm
MARGIN_BOTTOM = 56.7  # 2 cm
FOOTER_DISTANCE = 22.7  # 0.8 cm from the paper's edge to the footer
PAGE_FILL = 0.95  # the share of a page's height a page is planned to fill (the rest absorbs rounding)
FOOTER = ("第 ", " 頁，共 ", " 頁")  # around the page number and the page count

TOKEN = re.compile(r"[!-~]+|\s|.", re.DOTALL)
NO_LINE_START = set("，。、；：！？）」』》〉】〕,.;:!?)]}%")


DIGIT = 5.55  # points: the digit of the xlsx default font (Calibri 11, or its metric twin Carlito), LibreOffice's unit


def column_points(width: float) -> float:
    """An Excel column width (in digits of the default font) in points, as LibreOffice lays it out."""
    return width * DIGIT


def text_width(points: float) -> float:
    """The points of a column `points` wide that text may use: Excel's narrower width (7 px a digit plus 5 px)
    or LibreOffice's, less the padding."""
    return min(points, points / DIGIT * 5.25 + 3.75) - CELL_PADDING


def _em(token: str) -> float:
    total = 0.0
    for ch in token:
        if unicodedata.east_asian_width(ch) in "WFA":
            total += 1.0
        elif ch == " ":
            total += 0.25
        elif ch.isupper() or ch in "@%&#MWmw":
            total += 0.7
        else:
            total += 0.55
    return total


def _line_starts(tokens: list[str], width_em: float) -> tuple[list[int], int]:
    """Where each line of a paragraph starts (token indices), and how many more lines words wider than a
    line take: each line is found by bisecting the running width, not by walking every character."""
    sizes = list(map(_em, tokens))
    ends = list(accumulate(sizes, initial=0.0))  # ends[i]: the width of tokens[:i]
    count = len(tokens)
    starts, extra, i = [0], 0, 0
    while True:
        j = bisect.bisect_right(ends, ends[i] + width_em + 1e-9) - 1  # tokens[i:j] fit
        if j >= count:
            return starts, extra
        if j == i:  # a word wider than the line: broken across lines where it must be
            extra += math.ceil(sizes[i] / width_em) - 1
            j += 1
        elif tokens[j].isspace():  # a space that does not fit ends the line
            j += 1
        elif tokens[j] in NO_LINE_START and j - 1 > i:  # a closing mark takes the character before it along
            j -= 1
        if j >= count:
            return starts, extra
        starts.append(j)
        i = j


def wrap(text: str, width_em: float) -> list[str]:
    """The lines `text` takes in a column `width_em` ems wide (its own line breaks kept)."""
    lines = []
    for paragraph in text.split("\n"):
        tokens = TOKEN.findall(paragraph)
        starts, _ = _line_starts(tokens, width_em)
        lines += ["".join(tokens[a:b]) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]
    return lines


def line_count(text: str, width_em: float) -> int:
    """How many lines `text` takes in a column `width_em` ems wide."""
    count = 0
    for paragraph in text.split("\n"):
        starts, extra = _line_starts(TOKEN.findall(paragraph), width_em)
        count += len(starts) + extra
    return count


def text_height(value, width: float, kind: str) -> float:
    """Points a cell of `kind` needs for `value` in a column (or span) `width` points wide."""
    size = FONT_SIZE[kind]
    count = 1 if value is None or value == "" else line_count(str(value), text_width(width) / size)
    height = count * size * LINE_SPACING + 2 * ROW_PADDING
    return max(height, SIGN_HEIGHT) if kind == "sign" else height


@dataclass
class Span:
    """A cell as printed: its text, look and place; `rows` is how many rows it covers from its own."""

    value: object
    kind: str
    column: int  # 1-based
    colspan: int = 1
    rows: int = 1
    need: float | None = None  # the height its text needs, once measured


@dataclass
class PrintRow:
    kind: str
    spans: list[Span]
    height: float = 0.0
    page_break: bool = False  # the first row of a new page


@dataclass
class PrintLayout:
    widths: list[float]  # points
    rows: list[PrintRow]
    header_rows: int
    scale: float  # fit to width
    pages: list[range] = field(default_factory=list)  # the body rows (0-based) of each page

    @property
    def printed_size(self) -> float:
        return min(FONT_SIZE.values()) * self.scale


def print_layout(exporter: Exporter) -> PrintLayout:
    widths = [column_points(w) for w in exporter.column_widths()]
    printable_width = PAGE_WIDTH - 2 * MARGIN_SIDE
    scale = min(1.0, math.floor(printable_width / sum(widths) * 100) / 100)
    rows = [
        PrintRow(kind, [Span(p.cell.value, p.kind, p.column, p.cell.colspan, p.cell.rowspan) for p in placed])
        for _, kind, placed in layout(exporter.rows())
    ]
    header_rows = min(exporter.header_rows, len(rows))
    for row in rows[:header_rows]:
        row.height = _row_height(row, widths)
    capacity = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) * PAGE_FILL / scale - sum(r.height for r in rows[:header_rows])
    for row in rows[header_rows:]:
        row.height = _row_height(row, widths)
    _fit_spans(rows, widths)
    starts = _paginate(rows, header_rows, capacity, widths)
    _fit_spans(rows, widths)
    bounds = [*starts, len(rows)]
    pages = [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False)] or [range(header_rows, header_rows)]
    return PrintLayout(widths, rows, header_rows, scale, pages)


def _span_width(span: Span, widths: list[float]) -> float:
    return sum(widths[span.column - 1 : span.column - 1 + span.colspan])


def _need(span: Span, widths: list[float]) -> float:
    if span.need is None:
        span.need = text_height(span.value, _span_width(span, widths), span.kind)
    return span.need


def _row_height(row: PrintRow, widths: list[float]) -> float:
    single = [_need(s, widths) for s in row.spans if s.rows == 1]
    return max(single, default=text_height(None, 0, row.kind))


def _split_row(rows: list[PrintRow], index: int, limit: float, widths: list[float], longest: list[int]) -> bool:
    """Cut row `index` so it is no taller than `limit`: each cell taller than that keeps what fits (whole
    paragraphs where they fill at least half of it, whole lines otherwise) and continues in a row added below;
    every other cell of the row, and every span over it, covers the new row too. False when nothing fits."""
    row = rows[index]
    lines_room = int((limit - 2 * ROW_PADDING) / (FONT_SIZE[row.kind] * LINE_SPACING))
    cuts = {}
    for span in row.spans:
        if span.rows == 1 and span.value not in (None, "") and _need(span, widths) > limit:
            if lines_room < 1:
                return False
            cuts[id(span)] = _cut_text(str(span.value), text_width(_span_width(span, widths)) / FONT_SIZE[span.kind], lines_room)
    if not cuts:
        return False
    added = PrintRow(row.kind, [])
    for span in row.spans:
        if id(span) in cuts:
            span.value, rest = cuts[id(span)]
            span.need = None
            added.spans.append(Span(rest, span.kind, span.column, span.colspan))
        else:
            span.rows += 1
    for above in range(index - 1, max(-1, index - 1 - longest[0]), -1):
        for span in rows[above].spans:
            if above + span.rows > index:
                span.rows += 1
                longest[0] = max(longest[0], span.rows)
    rows.insert(index + 1, added)
    row.height = _row_height(row, widths)
    added.height = _row_height(added, widths)
    return True


def _cut_text(text: str, width_em: float, lines_room: int) -> tuple[str, str]:
    """`text` cut where its first `lines_room` lines end: after a paragraph if that keeps half of them."""
    paragraphs = text.split("\n")
    kept, used = 0, 0
    for paragraph in paragraphs:
        count = len(wrap(paragraph, width_em))
        if used + count > lines_room:
            break
        kept, used = kept + 1, used + count
    if kept and used * 2 >= lines_room:
        return "\n".join(paragraphs[:kept]), "\n".join(paragraphs[kept:])
    lines = wrap(paragraphs[kept], width_em)
    room = lines_room - used
    head = paragraphs[:kept] + ["".join(lines[:room])]
    tail = ["".join(lines[room:])] + paragraphs[kept + 1 :]
    return "\n".join(head), "\n".join(tail)


def _fit_spans(rows: list[PrintRow], widths: list[float]) -> None:
    """A span over several rows that needs more room than they have makes its last row taller."""
    for index, row in enumerate(rows):
        for span in row.spans:
            _grow_to_fit(rows, index, span, widths)


def _grow_to_fit(rows: list[PrintRow], index: int, span: Span, widths: list[float]) -> None:
    """The last of the rows `span` (starting at row `index`) covers grows by what its text needs beyond them."""
    if span.rows > 1:
        covered = rows[index : index + span.rows]
        missing = _need(span, widths) - sum(r.height for r in covered)
        if missing > 0:
            covered[-1].height += missing


def _paginate(rows: list[PrintRow], first: int, capacity: float, widths: list[float]) -> list[int]:
    """The first body row of each page; marks those rows `page_break` (but the first page's). A row taller than
    a page or than a row may be is cut to fit (filling what is left of the page when that is a quarter of one)."""
    starts = [first] if len(rows) > first else []
    longest = [max((span.rows for row in rows for span in row.spans), default=1)]  # how far back a span may start
    used = 0.0
    index = first
    while index < len(rows):
        room = capacity - used
        if rows[index].height > MAX_ROW_HEIGHT or (rows[index].height > room and rows[index].height > capacity):
            # Only a row no page (or Excel) can hold is cut: a measure stays one row for whoever re-imports the file.
            _split_row(rows, index, min(room if room >= capacity / 4 else capacity, MAX_ROW_HEIGHT), widths, longest)
        height = rows[index].height
        if used + height > capacity and index > starts[-1]:
            cut = index
            while cut - 1 > starts[-1] and rows[cut].kind in KEEP_WITH_PREVIOUS:
                cut -= 1
            while cut - 1 > starts[-1] and rows[cut - 1].kind in KEEP_WITH_NEXT:
                cut -= 1
            rows[cut].page_break = True
            _cut_spans(rows, starts[-1], cut, widths)
            starts.append(cut)
            index, used = cut, 0.0
            if rows[index].height > min(capacity, MAX_ROW_HEIGHT):
                _split_row(rows, index, min(capacity, MAX_ROW_HEIGHT), widths, longest)
            continue
        used += height
        index += 1
    return starts


def _cut_spans(rows: list[PrintRow], start: int, cut: int, widths: list[float]) -> None:
    """A span of the page that starts at `start` which the break before row `cut` cuts ends at the break; row
    `cut` starts its own, with the same text, and is (with the rows the new span covers) as tall as that text."""
    first = rows[cut]
    for index in range(start, cut):
        for span in rows[index].spans:
            end = index + span.rows
            if end <= cut:
                continue
            span.rows = cut - index
            first.spans.append(Span(span.value, span.kind, span.column, span.colspan, end - cut, span.need))
    first.spans.sort(key=lambda s: s.column)
    first.height = max(first.height, _row_height(first, widths))
    for span in first.spans:
        _grow_to_fit(rows, cut, span, widths)
