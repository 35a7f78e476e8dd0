"""Tags and filters for the progress pages.

The status bar and the status cells are drawn here rather than by included templates: a dashboard has one of
each per 構面, 評核項目 and unit, and the template engine's per-variable cost made these includes most of the
page's rendering time. The markup is the same the includes wrote (tests/test_dashboards.py pins it)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from sq_portal.markup import join_safe
from sq_portal.templatetags.roc import roc, roc_month

from ..status import STATUS_ORDER

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _format_literal(text: str) -> str:
    """`text` escaped for HTML and for str.format, to be part of a format string given to format_html."""
    return str(escape(text)).replace("{", "{{").replace("}", "}}")


# One cell per status, its label fixed: the row's whole markup is one format_html call with six counts (a
# dashboard draws 30 to 40 rows; a format_html per cell, joined, was a tenth of its rendering).
STATUS_CELLS = "".join(f'<td class="text-end" data-label="{_format_literal(status)}">{{}}</td>' for status in STATUS_ORDER)
BAR_OPEN = '<svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{}：{}">'
# Each status's class and label, escaped once, as literals of the bar's format string.
SEGMENT_LITERALS = {status: (_format_literal(status.css), _format_literal(status)) for status in STATUS_ORDER}


@register.simple_tag
def status_cells(counts) -> SafeString:
    """One right-aligned cell per status, in the legend's order, labelled for the stacked (phone) layout."""
    return format_html(STATUS_CELLS, *(counts.count(status) for status in STATUS_ORDER))


@register.simple_tag
def status_bar(bar, label) -> SafeString:
    """The stacked bar of `charts.status_bar` segments as SVG, named for screen readers; a note when empty.

    One format_html call for the whole bar, with the two texts (the label and the description) as its values.
    The segments are part of its format string: numbers (a position, a width, a count) and each status's
    class and label, escaped once above. With those five per segment passed as values too, format_html
    escaped some 800 numbers and fixed words per plan dashboard: a five-segment bar took 32 µs, now 11 µs,
    and the dashboard draws 30 to 40 bars."""
    if not bar:
        return format_html('<span class="{}">無列管措施</span>', "text-body-secondary small")
    described = "、".join(f"{segment.status} {segment.count} 項" for segment in bar)
    segments = []
    for segment in bar:
        css, name = SEGMENT_LITERALS[segment.status]
        x, width, count = _number(segment.x), _number(segment.width), _number(segment.count)
        segments.append(f'<rect x="{x}" y="0" width="{width}" height="6" class="st-{css}"><title>{name} {count} 項</title></rect>')
    return format_html(BAR_OPEN + "".join(segments) + "</svg>", label, described)


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
    its latest report) as table rows, one format_html each instead of a dozen variables and filters: 7 M of the
    page's 76 M instructions per request (N=30, an office carrying 24 measures)."""
    drawn = []
    for row in rows:
        measure, status, report = row["measure"], row["status"], row["latest_report"]
        latest = "—"
        if report is not None:
            latest = format_html('<a href="{}">{} {}</a>', row["report_url"], roc_month(report.period), report.status_label)
        drawn.append(format_html(
            UNIT_ROW_FORMATS[status.status], row["url"], measure.name, measure.dimension_name, measure.item_name, row["role"],
            _percent_or_dash(status.planned), _percent_or_dash(status.progress),
            ONGOING_DEADLINE if measure.ongoing else roc(status.effective_deadline),
            latest,
        ))
    return join_safe(drawn)


def _percent_or_dash(value: int | None) -> str:
    return "—" if value is None else f"{value}%"
