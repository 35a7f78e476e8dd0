"""Markup helpers shared by the template tags that draw a page's long tables in Python.

`format_safe` is django.utils.html.format_html with the same contract (every value escaped unless it is already
markup, the result safe) and a cheaper escape. Django's conditional_escape checks for a lazy string, then calls
`escape`, which is wrapped by keep_lazy: that wrapper scans the arguments for lazy objects on every call. For a
plain string all of it comes to html.escape plus 1 µs. The plan tree escapes some 1,360 values per request,
the plan dashboard and the unit page several hundred each; those pages call format_safe, and the equivalence
to format_html is pinned in tests/test_markup.py for every kind of value Django distinguishes."""

import html

from django.utils.safestring import SafeString


def escaped(value) -> str:
    """What conditional_escape(value) gives, as a str: `value` itself when it is markup (it has __html__, as a
    SafeString or a form's bound field), otherwise str(value) with & < > " ' escaped (django.utils.html.escape).
    A lazy translation has no __html__ of its own (unless it stands for markup), so it is turned into its text
    and escaped, as Django does."""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is SafeString:  # markup made by format_safe, nested in a larger piece: as its __html__ gives it
        return value
    if kind is int:  # digits and a minus sign: nothing to escape
        return str(value)
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))


def format_safe(format_string: str, *args, **kwargs) -> SafeString:
    """format_html(format_string, *args, **kwargs): the values escaped (`escaped`), the result marked safe.
    Only `format_string` is trusted: it must be a literal of the code, never text from a user."""
    if not (args or kwargs):
        raise TypeError("format_safe 需要至少一個值。")
    return _safe(format_string.format(*map(escaped, args), **{key: escaped(value) for key, value in kwargs.items()}))


def join_safe(parts, separator: str = "") -> SafeString | str:
    """Pieces of markup made by format_safe, joined into one safe string ("" when there are none), `separator`
    (a literal of the code, like format_safe's format) between them. Anything that is not already markup is
    escaped, as format_html escapes every value."""
    joined = separator.join(map(escaped, parts))
    return _safe(joined) if joined else ""


def fill_slot(markup: SafeString, slot: str, value) -> SafeString:
    """`markup` with every `slot` in it replaced by `value`, escaped (`escaped`). The slot is a literal of the code
    written into a format string, and holds a "<": escaped text never does, so no value can pose as a slot."""
    if "<" not in slot:
        raise ValueError("slot 必須含「<」，才不會與跳脫過的文字相同。")
    return _safe(markup.replace(slot, escaped(value)))


def _safe(markup: str) -> SafeString:
    # What format_html's mark_safe does; every value in `markup` went through `escaped` above, and the format
    # strings are the code's own literals. The one place the portal marks text safe itself.
    return SafeString(markup)  # nosec B703
