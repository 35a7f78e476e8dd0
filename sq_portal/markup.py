"""Markup helpers shared by the template tags that draw a page's long tables in Python."""

from django.utils.html import format_html
from django.utils.safestring import SafeString


def join_safe(parts) -> SafeString | str:
    """Pieces of markup made by format_html, joined into one safe string by a single format ("" when there are
    none). Anything that is not already safe is escaped, as format_html escapes every value. format_html_join
    formats each piece again, one call per row, which the plan tree's hundred rows felt."""
    parts = list(parts)
    return format_html("{}" * len(parts), *parts) if parts else ""
