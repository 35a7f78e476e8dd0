"""The measure page's two tables that grow with the plan, drawn here rather than by template loops:
`{% progress_table months %}` (planned and reported progress, a column per month of the plan) and
`{% report_rows reports %}` (a row per report the user may see, every unit's every month). Each row is one
format_safe call (sq_portal.markup) instead of a variable and a filter per cell: 2.5 M of the page's 60 M
instructions per request (N=30, a measure with twelve reports). The markup is what the template wrote before."""

from django import template
from django.utils.safestring import SafeString

from measures.models import ProgressReport
from sq_portal.markup import format_safe, join_safe
from sq_portal.templatetags.roc import roc, roc_month

register = template.Library()

REPORT_ROW = (
    "<tr>\n"
    '    <td data-label="月份"><a href="{}">{}</a></td>\n'
    '    <td data-label="單位">{}</td><td data-label="進度">{}%</td>\n'
    '    <td data-label="狀態">{}</td><td data-label="送出">{}</td>\n'
    "  </tr>"
)


@register.simple_tag
def progress_table(months) -> SafeString:
    """The head and body of the progress table: the months, then the planned and the reported cumulative %
    of each ("—" where there is none). `months` are the view's {"month", "planned", "reported"} rows."""
    cells = "{}" * len(months)
    return format_safe(
        '<thead><tr><th scope="col">月份</th>{}</tr></thead>\n'
        "  <tbody>\n"
        '    <tr><th scope="row">預定</th>{}</tr>\n'
        '    <tr><th scope="row">填報</th>{}</tr>\n'
        "  </tbody>",
        format_safe(cells.replace("{}", '<th scope="col">{}</th>'), *(roc_month(row["month"]) for row in months)) if months else "",
        format_safe(cells.replace("{}", "<td>{}</td>"), *(_or_dash(row["planned"]) for row in months)) if months else "",
        format_safe(cells.replace("{}", "<td>{}</td>"), *(_or_dash(row["reported"]) for row in months)) if months else "",
    )


@register.simple_tag
def report_rows(reports) -> SafeString | str:
    """A row per report (with its `url`, set by the view): its month, unit, progress, state and the day it
    was sent ("—" for a draft)."""
    rows = [
        format_safe(REPORT_ROW, r.url, roc_month(r.period), r.unit.name, r.progress, _STATUS_LABEL[r.status], roc(r.submitted_at) or "—")
        for r in reports
    ]
    return join_safe(rows)


# get_status_display() rebuilds the choices as a dict on every call (make_hashable over each): a tenth of the
# table's time. The labels stay lazy: each row translates its own in the request's language.
_STATUS_LABEL = dict(ProgressReport.Status.choices)


def _or_dash(value) -> object:
    return "—" if value is None else value
