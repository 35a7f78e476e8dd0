"""Filters for the progress pages."""

from django import template

register = template.Library()


@register.filter
def status_count(counts, status) -> int:
    return counts.count(status)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"
