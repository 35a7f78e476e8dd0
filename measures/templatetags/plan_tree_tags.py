"""`{% measure_row m %}`: one measure of the plan tree, drawn here rather than by an included template.

The tree lists every measure of the plan (a hundred, and with the 附表1 rows more); an include per row, with
its dozen variables, was the largest part of the page's rendering (about 9 of 26 ms at N=300, README's 效能
section). The markup is what the include wrote before; tests/test_plan_tree.py pins it."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

ROW = (
    '<li class="tree-measure ps-2 mb-2{}">\n'
    '  <a href="{}">{}</a>\n'
    '  <span class="badge text-bg-light border unit-badge">{}</span>\n'
    '  <span class="small text-body-secondary d-block">承辦單位：{}　完成期限：{}</span>\n'
    "  {}\n"
    "</li>"
)
MOVES = (
    '<span class="no-print d-inline-flex gap-1">\n'
    '    <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="up">'
    '<button class="btn btn-sm btn-outline-secondary py-0" type="submit" aria-label="將「{name}」上移">上移</button></form>\n'
    '    <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="down">'
    '<button class="btn btn-sm btn-outline-secondary py-0" type="submit" aria-label="將「{name}」下移">下移</button></form>\n'
    "  </span>"
)


@register.simple_tag(takes_context=True)
def measure_row(context, measure) -> SafeString:
    """A `tree_measures.TreeMeasure` as a list item: its page, source, 承辦單位 and deadline, and for 研考承辦
    the buttons that move an active measure up or down."""
    moves = ""
    if context["access"].can_edit and not measure.retired_at:
        moves = format_html(MOVES, move=measure.move_url, csrf=_csrf_input(context), name=measure.name)
    return format_html(
        ROW, " retired" if measure.retired_at else "", measure.page_url, measure.name, measure.source_label,
        measure.units_display or "（未指定）", measure.deadline_display or "未訂", moves,
    )


def _csrf_input(context) -> SafeString:
    """The CSRF field of the move forms, made once per page: each reading of `csrf_token` masks the secret
    anew (random bytes and a cipher), and the tree has two forms per measure."""
    cache = context.render_context
    if "measure_row_csrf" not in cache:
        cache["measure_row_csrf"] = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token"))
    return cache["measure_row_csrf"]
