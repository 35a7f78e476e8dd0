"""The plan tree's body, drawn here rather than by template loops: `{% tree_sections framework %}` (構面 →
項目 → 評核重點 with its criteria and measures) and `{% measure_row m %}` (one measure).

The tree lists every measure of the plan (a hundred, and with the 附表1 rows more) under some eighty
headings; an include per row, with its dozen variables, was the largest part of the page's rendering (about
9 of 26 ms at N=300, README's 效能 section), and the template's nested loops over the framework, with a
variable lookup and a number formatting per heading, were the next (a fifth of the page's instructions).
The markup is what the template wrote before, but for blank lines; tests/test_plan_tree.py pins it.

Every piece goes through sq_portal.markup.format_safe (format_html's contract, a cheaper escape): the tree
escapes some 1,360 values per request, and with format_html that escaping was a sixth of the page's
instructions (71.4 M per request before, 60.1 M after, N=30)."""

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString

from sq_portal.markup import fill_slot, format_safe, join_safe

register = template.Library()
ROWS_KEPT = 4096  # rows of markup each process keeps (_row_markup): the current plans of a bureau, about 1 KB each

# A measure's row: its page, name, source, units and deadline ({0}–{4}); for 研考承辦 the forms that move it
# up or down ({5}: their address, CSRF_SLOT: the page's CSRF field), whose buttons name it again ({1}). One
# format per row and kind of row, so each value is escaped once (a nested format for the forms escaped the name
# twice). The CSRF field differs on every page (the token is masked anew), so a row's markup is the same on
# every request until the measure changes: `_row_markup` keeps it, and `_rows` fills in the page's field.
CSRF_SLOT = "<csrf-field>"
MOVES = (
    '<span class="no-print d-inline-flex gap-1">\n'
    f'    <form method="post" action="{{5}}">{CSRF_SLOT}<input type="hidden" name="direction" value="up">'
    '<button class="btn btn-sm btn-outline-secondary py-0" type="submit" aria-label="將「{1}」上移">上移</button></form>\n'
    f'    <form method="post" action="{{5}}">{CSRF_SLOT}<input type="hidden" name="direction" value="down">'
    '<button class="btn btn-sm btn-outline-secondary py-0" type="submit" aria-label="將「{1}」下移">下移</button></form>\n'
    "  </span>"
)


def _row_format(retired: bool, movable: bool) -> str:
    return (
        f'<li class="tree-measure ps-2 mb-2{" retired" if retired else ""}">\n'
        '  <a href="{0}">{1}</a>\n'
        '  <span class="badge text-bg-light border unit-badge">{2}</span>\n'
        '  <span class="small text-body-secondary d-block">承辦單位：{3}　完成期限：{4}</span>\n'
        f"  {MOVES if movable else ''}\n"
        "</li>"
    )


ROW_FORMATS = {(retired, movable): _row_format(retired, movable) for retired in (False, True) for movable in (False, True)}


DIMENSION = (
    '<section class="mb-4" aria-labelledby="dimension-{pk}">\n'
    '  <h2 class="h4 border-bottom pb-1" id="dimension-{pk}">{scope}-{name}（{points} 分）</h2>\n'
    "{items}"
    "</section>\n"
)
ITEM = (
    '  <section class="ms-md-3 mb-3" aria-labelledby="item-{pk}">\n'
    '    <h3 class="h5" id="item-{pk}">{number}、{name}</h3>\n'
    "{description}{focus_points}{unlinked}"
    "  </section>\n"
)
FOCUS_POINT = (
    '    <div class="ms-md-3 mb-2">\n'
    '      <h4 class="h6 mb-1">({number}) {name}</h4>\n'
    "{description}{criteria}{measures}"
    "    </div>\n"
)
NO_MEASURE = '      <p class="small text-body-secondary ms-2 mb-1">尚無措施。{}</p>\n'
NEW_MEASURE = '<a class="no-print" href="{}?focus_point={}">新增措施<span class="visually-hidden">（{}／{}）</span></a>'
UNLINKED = (
    '    <div class="ms-md-3 mb-2">\n'
    '      <h4 class="h6 mb-1">分局措施（附表2）</h4>\n'
    '      <ul class="list-unstyled ms-2">{}</ul>\n'
    "    </div>\n"
)


@register.simple_tag
def other_plan_links(other_plans) -> SafeString | str:
    """The links to the other plans the user reads (the view's `OtherPlan`s, up to OTHER_PLANS_SHOWN), separated
    by 、: a template loop took a tenth of the page's rendering for them."""
    return join_safe((format_safe('<a href="{}">{}</a>', plan.url, plan.label) for plan in other_plans), "、")


@register.simple_tag
def dimension_links(framework) -> SafeString | str:
    """The table of contents: a link to each 構面's section, with its points."""
    return join_safe(
        format_safe('<li class="list-inline-item"><a href="#dimension-{}">{}（{} 分）</a></li>', d.pk, d.name, d.points)
        for d in framework
    )


@register.simple_tag(takes_context=True)
def tree_sections(context, framework) -> SafeString:
    """Every 構面 of `framework` (`diagnosis.framework_tree`, with the page's `active_measures` and
    `unlinked_measures` filled in) as a section: its 項目 numbered 1、2、…, their 評核重點 (1), (2), … with the
    criteria, and the measures of each; where a focus point has none, 研考承辦 get a link to add one there."""
    new_measure_url = context["new_measure_url"] if context["access"].can_edit else None
    return join_safe(
        format_safe(
            DIMENSION, pk=dimension.pk, scope=dimension.scope_display, name=dimension.name, points=dimension.points,
            items=join_safe(_item(context, item, number, new_measure_url) for number, item in enumerate(dimension.items, 1)),
        )
        for dimension in framework
    )


def _item(context, item, number: int, new_measure_url: str | None) -> SafeString:
    unlinked = ""
    if item.unlinked_measures:
        unlinked = format_safe(UNLINKED, _rows(context, item.unlinked_measures))
    return format_safe(
        ITEM, pk=item.pk, number=number, name=item.name,
        description=format_safe('    <p class="pre-line">{}</p>\n', item.description) if item.description else "",
        focus_points=join_safe(
            _focus_point(context, item, focus_point, n, new_measure_url) for n, focus_point in enumerate(item.focus_points, 1)
        ),
        unlinked=unlinked,
    )


def _focus_point(context, item, focus_point, number: int, new_measure_url: str | None) -> SafeString:
    criteria = ""
    if focus_point.criteria:
        criteria = format_safe(
            '      <ul class="list-unstyled small mb-1 ms-2">{}</ul>\n',
            join_safe(format_safe("<li>{} {}</li>", c.label, c.text) for c in focus_point.criteria),
        )
    if focus_point.active_measures:
        measures = format_safe('      <ul class="list-unstyled ms-2">{}</ul>\n', _rows(context, focus_point.active_measures))
    else:
        link = format_safe(NEW_MEASURE, new_measure_url, focus_point.pk, item.name, focus_point.name) if new_measure_url else ""
        measures = format_safe(NO_MEASURE, link)
    return format_safe(
        FOCUS_POINT, number=number, name=focus_point.name,
        description=format_safe('      <p class="mb-1 small">{}</p>\n', focus_point.description) if focus_point.description else "",
        criteria=criteria, measures=measures,
    )


def _rows(context, measures) -> SafeString | str:
    """The measures' rows, with the page's CSRF field in their move forms."""
    can_edit = context["access"].can_edit  # looked up once for the rows, not once a row
    rows = join_safe(
        [
            _row_markup(
                m.page_url, m.name, m.source_label, m.units_display or "（未指定）", m.deadline_display or "未訂",
                bool(m.retired_at), m.move_url if can_edit and not m.retired_at else None,
            )
            for m in measures
        ]
    )
    return fill_slot(rows, CSRF_SLOT, _csrf_input(context)) if can_edit and rows else rows


@register.simple_tag(takes_context=True)
def measure_row(context, measure) -> SafeString:
    """A `tree_measures.TreeMeasure` as a list item: its page, source, 承辦單位 and deadline, and for 研考承辦
    the buttons that move an active measure up or down."""
    return _rows(context, [measure])


@lru_cache(maxsize=ROWS_KEPT)
def _row_markup(
    page_url: str, name: str, source_label: str, units: str, deadline: str, retired: bool, move_url: str | None
) -> SafeString:
    """A row's markup, its move forms' CSRF field left as CSRF_SLOT. Kept by its values (the measure's as the
    page shows them), so a changed measure is a new row: formatting a hundred rows was half the tree's drawing."""
    values = [page_url, name, source_label, units, deadline]
    if move_url is not None:
        values.append(move_url)
    return format_safe(ROW_FORMATS[retired, move_url is not None], *values)


def _csrf_input(context) -> SafeString:
    """The CSRF field of the move forms, made once per page: each reading of `csrf_token` masks the secret
    anew (random bytes and a cipher), and the tree has two forms per measure."""
    cache = context.render_context
    if "measure_row_csrf" not in cache:
        cache["measure_row_csrf"] = format_safe('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token"))
    return cache["measure_row_csrf"]
