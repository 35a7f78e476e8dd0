"""sq_portal.markup.join_safe: pieces of markup joined into one safe string, anything unsafe escaped."""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from sq_portal.markup import join_safe


def test_it_joins_safe_pieces_as_they_are_and_escapes_the_rest():
    joined = join_safe(format_html("<li>{}</li>", f"第{n}項") for n in (1, 2))
    assert isinstance(joined, SafeString) and joined == "<li>第1項</li><li>第2項</li>"
    assert join_safe([format_html("<b>{}</b>", "a&b"), "<script>"]) == "<b>a&amp;b</b>&lt;script&gt;"
    assert join_safe([]) == "" and join_safe(iter(())) == ""
