"""Tags and filters for the progress pages: the status bar and the status cells, drawn by their templates."""

from django import template

from measures.status import STATUS_ORDER

register = template.Library()


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


@register.inclusion_tag("assessments/_status_cells.html")
def status_cells(counts) -> dict:
    """One right-aligned cell per status, in the legend's order, labelled for the stacked (phone) layout."""
    return {"cells": [(status, counts.count(status)) for status in STATUS_ORDER]}


@register.inclusion_tag("assessments/_status_bar.html")
def status_bar(bar, label) -> dict:
    """The stacked bar of `charts.status_bar` segments as SVG, named for screen readers; a note when empty."""
    return {"bar": bar, "label": label, "described": "、".join(f"{segment.status} {segment.count} 項" for segment in bar)}
