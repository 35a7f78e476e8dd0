"""sq_portal.markup: format_safe gives what django.utils.html.format_html gives, for every kind of value Django
escapes differently; join_safe joins pieces of markup into one safe string, anything unsafe escaped."""

import pytest
from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from sq_portal.markup import escaped, fill_slot, format_safe, join_safe


class Markup:
    """A third party's markup (markupsafe's convention): trusted through __html__, as Django trusts it."""

    def __html__(self):
        return "<em>已是標記</em>"

    def __str__(self):
        return "<not used>"


class Name(forms.Form):
    name = forms.CharField(label="名稱")


VALUES = [
    "天母派出所",
    "<script>alert('x')</script> & \"引號\"",
    "{} {0} {name}",  # braces in a value are text, not a place for another value
    "",
    0,
    -12,
    10**20,
    True,
    None,
    3.5,
    float("nan"),
    mark_safe("<b>安全</b>"),
    SafeString("<i>x</i>"),
    gettext_lazy("Name"),  # a lazy translation: its text, escaped
    mark_safe(gettext_lazy("<b>lazy</b>")),  # a lazy string that stands for markup
    Markup(),
    Name()["name"],  # a bound field renders itself as markup
    ["<li>", 1],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_it_escapes_each_kind_of_value_as_format_html_does(value):
    with override("zh-hant"):
        expected = format_html("<td>{}</td>", value)
        drawn = format_safe("<td>{}</td>", value)
    assert drawn == expected and isinstance(drawn, SafeString)
    assert type(escaped("a")) is str


def test_it_takes_positions_repeated_and_names_as_format_html_does():
    template = '<a href="{0}" title="{1}">{1}</a>{extra}'
    expected = format_html(template, "/a?b=1&c=2", "<名>", extra=3)
    assert format_safe(template, "/a?b=1&c=2", "<名>", extra=3) == expected == '<a href="/a?b=1&amp;c=2" title="&lt;名&gt;">&lt;名&gt;</a>3'


def test_it_refuses_a_format_without_values():
    with pytest.raises(TypeError):
        format_safe("<hr>")


def test_it_joins_safe_pieces_as_they_are_and_escapes_the_rest():
    joined = join_safe(format_safe("<li>{}</li>", f"第{n}項") for n in (1, 2))
    assert isinstance(joined, SafeString) and joined == "<li>第1項</li><li>第2項</li>"
    assert join_safe([format_safe("<b>{}</b>", "a&b"), "<script>", 7]) == "<b>a&amp;b</b>&lt;script&gt;7"
    assert join_safe([]) == "" and join_safe(iter(())) == ""


def test_a_slot_is_filled_with_the_value_escaped_and_must_hold_a_bracket():
    markup = format_safe("<p><slot>{}</p>", "<slot>")
    assert fill_slot(markup, "<slot>", "a&b") == "<p>a&amp;b&lt;slot&gt;</p>"
    assert fill_slot(markup, "<slot>", format_safe("<i>{}</i>", 1)) == "<p><i>1</i>&lt;slot&gt;</p>"
    with pytest.raises(ValueError):
        fill_slot(markup, "slot", "x")
