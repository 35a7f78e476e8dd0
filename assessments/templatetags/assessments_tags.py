"""Tags and filters for the progress pages.

The status bar and the status cells are drawn here rather than by included templates: a dashboard has one of
each per 構面, 評核項目 and unit, and the template engine's per-variable cost made these includes most of the
page's rendering time. The markup is the same the includes wrote (tests/test_dashboards.py pins it)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

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
BAR_SEGMENT = '<rect x="{}" y="0" width="{}" height="6" class="st-{}"><title>{} {} 項</title></rect>'


@register.simple_tag
def status_cells(counts) -> SafeString:
    """One right-aligned cell per status, in the legend's order, labelled for the stacked (phone) layout."""
    return format_html(STATUS_CELLS, *(counts.count(status) for status in STATUS_ORDER))


@register.simple_tag
def status_bar(bar, label) -> SafeString:
    """The stacked bar of `charts.status_bar` segments as SVG, named for screen readers; a note when empty.
    One format_html call for the whole bar: every value in it is escaped as a format_html_join would."""
    if not bar:
        return format_html('<span class="{}">無列管措施</span>', "text-body-secondary small")
    described = "、".join(f"{segment.status} {segment.count} 項" for segment in bar)
    values = [label, described]
    for segment in bar:
        values += (segment.x, segment.width, segment.status.css, segment.status, segment.count)
    return format_html(BAR_OPEN + BAR_SEGMENT * len(bar) + "</svg>", *values)
