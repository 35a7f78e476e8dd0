"""附表3：提升服務品質專案推動小組名冊, for the shared xlsx/ods renderers, in the look of 附表1/附表2.

Layout (the seed gives no 附表3 content, so the columns are this portal's choice):
row 1 「附表3」; row 2 the title 「<機關全銜><年度>年提升服務品質專案推動小組名冊」; row 3 the headers
職稱（小組） / 姓名 / 單位 / 職稱 / 任務分工 — 職稱（小組） is the member's role in the team (召集人, 副召集人,
執行秘書, 委員), 職稱 their own job title; then one row per member in roster order, the 職稱（小組） cell
merged over the members of the same role (as 附表2 merges 構面 and 項目). Rows 1–3 repeat on every printed page.
Reads the plan's members in one query (units joined) and the organisation's official name (one per level)."""

from collections import Counter
from collections.abc import Iterator

from diagnosis.models import Plan
from sq_portal.sheets import Cell, Exporter, Row

from .models import TeamMember


class TeamExporter(Exporter):
    identifier = "form3"
    name = "附表3"
    header_rows = 3
    MARK = "附表3"
    HEADERS = [("職稱（小組）", 14), ("姓名", 14), ("單位", 20), ("職稱", 20), ("任務分工", 60)]

    def __init__(self, plan: Plan):
        self.plan = plan
        self.members = list(TeamMember.objects.filter(plan=plan).select_related("unit").in_roster_order())

    def title(self) -> str:
        return f"{self.plan.organization.official_name()}{self.plan.year}年提升服務品質專案推動小組名冊"

    def filename(self, extension: str) -> str:
        return f"{self.plan.year}年附表3-提升服務品質專案推動小組名冊.{extension}"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.MARK, colspan=len(self.HEADERS))], kind="section")
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        per_role = Counter(member.role for member in self.members)
        previous_role = None
        for member in self.members:
            cells = []
            if member.role != previous_role:
                cells.append(Cell(member.get_role_display(), rowspan=per_role[member.role]))
                previous_role = member.role
            cells += [Cell(member.name), Cell(member.unit.name), Cell(member.title), Cell(member.duty)]
            yield Row(cells)
