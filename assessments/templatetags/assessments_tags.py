"""Tags and filters for the progress pages.

The status bar and the status cells are drawn here rather than by included templates: a dashboard has one of
each per 構面, 評核項目 and unit, and the template engine's per-variable cost made these includes most of the
page's rendering time. The markup is the same the includes wrote (tests/test_dashboards.py pins it)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from measures.status import STATUS_ORDER
from sq_portal.markup import format_safe, join_safe
from sq_portal.templatetags.roc import roc, roc_month

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _format_literal(text: str) -> str:
    """`text` escaped for HTML and for str.format, to be part of a format string given to format_safe."""
    return str(escape(text)).replace("{", "{{").replace("}", "}}")


# One cell per status, its label fixed: the row's whole markup is one format_safe call with six counts (a
# dashboard draws 30 to 40 rows; a format per cell, joined, was a tenth of its rendering).
STATUS_CELLS = "".join(f'<td class="text-end" data-label="{_format_literal(status)}">{{}}</td>' for status in STATUS_ORDER)
BAR_OPEN = '<svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{}：{}">'
# Each status's class and label, escaped once, as literals of the bar's format string.
SEGMENT_LITERALS = {status: (_format_literal(status.css), _format_literal(status)) for status in STATUS_ORDER}


@register.simple_tag
def status_cells(counts) -> SafeString:
    """One right-aligned cell per status, in the legend's order, labelled for the stacked (phone) layout."""
    return format_safe(STATUS_CELLS, *(counts.count(status) for status in STATUS_ORDER))


@register.simple_tag
def status_bar(bar, label) -> SafeString:
    """The stacked bar of `charts.status_bar` segments as SVG, named for screen readers; a note when empty.

    One format_safe call for the whole bar, with the two texts (the label and the description) as its values.
    The segments are part of its format string: numbers (a position, a width, a count) and each status's
    class and label, escaped once above. With those five per segment passed as values too, format_html
    escaped some 800 numbers and fixed words per plan dashboard: a five-segment bar took 32 µs, now 11 µs,
    and the dashboard draws 30 to 40 bars."""
    if not bar:
        return format_safe('<span class="{}">無列管措施</span>', "text-body-secondary small")
    described = "、".join(f"{segment.status} {segment.count} 項" for segment in bar)
    segments = []
    for segment in bar:
        css, name = SEGMENT_LITERALS[segment.status]
        x, width, count = _number(segment.x), _number(segment.width), _number(segment.count)
        segments.append(f'<rect x="{x}" y="0" width="{width}" height="6" class="st-{css}"><title>{name} {count} 項</title></rect>')
    return format_safe(BAR_OPEN + "".join(segments) + "</svg>", label, described)


def _number(value: int | float) -> int | float:
    """`value`, refused unless it is a number: only numbers are written into a format string unescaped."""
    if type(value) not in (int, float):
        raise TypeError(f"狀態長條的數值必須是數字：{value!r}")
    return value


# A row of the unit page's table of measures: the measure's page, name, 構面 and 項目 ({0}–{3}), the unit's
# part in it ({4}), planned and reported progress ({5}, {6}), the deadline ({7}) and the latest report ({8}).
# The status's class and label are part of the format, one per status.
UNIT_ROW = (
    "<tr>\n"
    '    <td data-label="措施"><a href="{{0}}">{{1}}</a><span class="d-block small text-body-secondary">{{2}}／{{3}}</span></td>\n'
    '    <td data-label="本單位">{{4}}</td>\n'
    '    <td data-label="狀態"><span class="badge st-{css}">{label}</span></td>\n'
    '    <td class="text-end" data-label="預定">{{5}}</td>\n'
    '    <td class="text-end" data-label="實際">{{6}}</td>\n'
    '    <td data-label="期限">{{7}}</td>\n'
    '    <td data-label="最近填報">{{8}}</td>\n'
    "  </tr>"
)
UNIT_ROW_FORMATS = {status: UNIT_ROW.format(css=css, label=label) for status, (css, label) in SEGMENT_LITERALS.items()}
ONGOING_DEADLINE = "賡續辦理（每月填報）"


@register.simple_tag
def unit_measure_rows(rows) -> SafeString | str:
    """The unit page's measures (the view's rows: the measure, the unit's status and part in it, its page,
    its latest report) as table rows, one format_safe each instead of a dozen variables and filters: 7 M of the
    page's 76 M instructions per request (N=30, an office carrying 24 measures)."""
    drawn = []
    for row in rows:
        measure, status, report = row["measure"], row["status"], row["latest_report"]
        latest = "—"
        if report is not None:
            latest = format_safe('<a href="{}">{} {}</a>', row["report_url"], roc_month(report.period), report.status_label)
        drawn.append(format_safe(
            UNIT_ROW_FORMATS[status.status], row["url"], measure.name, measure.dimension_name, measure.item_name, row["role"],
            percent(status.planned), percent(status.progress),
            ONGOING_DEADLINE if measure.ongoing else roc(status.effective_deadline),
            latest,
        ))
    return join_safe(drawn)


# The plan dashboard's status tables: a row per 構面 with a row per 評核項目 under it, and a row per unit. Each
# row's cells after the first are the same: the status bar, a count per status, the total and the completion.
def _status_row_tail(indent: str) -> str:
    return (
        f'{indent}<td data-label="狀態分布">{{bar}}</td>\n'
        f"{indent}{{cells}}\n"
        f'{indent}<td class="text-end" data-label="合計">{{total}}</td><td class="text-end" data-label="完成率">{{completion}}</td>\n'
    )


# (the line breaks and indents are the ones the template's loops wrote around each row)
DIMENSION_ROW = '\n      <tr class="table-light">\n        <th scope="row">{name}（{points} 分）</th>\n' + _status_row_tail(" " * 8) + "      </tr>\n      "
ITEM_ROW = '\n      <tr>\n        <th scope="row" class="fw-normal ps-4">{name}</th>\n' + _status_row_tail(" " * 8) + "      </tr>\n      "
UNIT_STATUS_ROW = (
    '<tr>\n      <th scope="row" class="fw-normal"><a href="{url}?as_of={as_of}">{name}</a></th>\n' + _status_row_tail(" " * 6) + "    </tr>"
)


def _status_row(row_format: str, counts, bar, label: str, **values) -> SafeString:
    return format_safe(
        row_format, name=label, bar=status_bar(bar, label), cells=status_cells(counts), total=counts.total,
        completion=percent(counts.completion), **values,
    )


@register.simple_tag
def dimension_rows(dimensions) -> SafeString | str:
    """The plan dashboard's rows by 構面 (the view's `dimensions`: each with its counts, bar and items), each
    構面's 評核項目 indented under it: one format per row instead of a dozen variables and two tags."""
    drawn = []
    for row in dimensions:
        dimension = row["dimension"]
        drawn.append(_status_row(DIMENSION_ROW, row["counts"], row["bar"], dimension.name, points=dimension.points))
        drawn.extend(_status_row(ITEM_ROW, it["counts"], it["bar"], it["item"].name) for it in row["items"])
        drawn.append("\n    ")
    return join_safe(drawn)


@register.simple_tag
def unit_status_rows(units, as_of_query: str) -> SafeString | str:
    """The plan dashboard's rows by unit (the view's `units`), each linking to the unit's page as of the same
    date (`as_of_query`, already URL-encoded)."""
    return join_safe(
        _status_row(UNIT_STATUS_ROW, row["counts"], row["bar"], row["unit"].name, url=row["url"], as_of=as_of_query) for row in units
    )
