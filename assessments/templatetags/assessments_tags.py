"""Tags and filters for the progress pages.

The status bar and the status cells are drawn here rather than by included templates: a dashboard has one of
each per 構面, 評核項目 and unit, and the template engine's per-variable cost made these includes most of the
page's rendering time. The markup is the same the includes wrote (tests/test_dashboards.py pins it)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..status import STATUS_ORDER

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


@register.simple_tag
def status_cells(counts) -> SafeString:
    """One right-aligned cell per status, in the legend's order, labelled for the stacked (phone) layout."""
    return format_html_join(
        "", '<td class="text-end" data-label="{}">{}</td>', ((status, counts.count(status)) for status in STATUS_ORDER)
    )


@register.simple_tag
def status_bar(bar, label) -> SafeString:
    """The stacked bar of `charts.status_bar` segments as SVG, named for screen readers; a note when empty."""
    if not bar:
        return format_html('<span class="{}">無列管措施</span>', "text-body-secondary small")
    described = "、".join(f"{segment.status} {segment.count} 項" for segment in bar)
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="6" class="st-{}"><title>{} {} 項</title></rect>',
        ((segment.x, segment.width, segment.status.css, segment.status, segment.count) for segment in bar),
    )
    return format_html(
        '<svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{}：{}">{}</svg>',
        label, described, rects,
    )
