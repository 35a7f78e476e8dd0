"""評分回合成績表 for the shared xlsx/ods renderers, printed as the 附表 are (A4 landscape, the title and the
headers on every page): one row per precinct with its group, points per dimension, total out of 1000, ranks,
self-score and last year's result."""

from collections.abc import Iterator

from sq_portal.sheets import Cell, Exporter, Row

from .exporters import plain_number
from .scoring_matrix import ResultsMatrix


class ScoringResultsExporter(Exporter):
    identifier = "scoring-results"
    name = "評分成績表"
    header_rows = 3

    def __init__(self, matrix: ResultsMatrix):
        self.matrix = matrix

    def title(self) -> str:
        scoring_round = self.matrix.round
        return f"{scoring_round.organization.name}{scoring_round.title}成績表"

    def filename(self, extension: str) -> str:
        """Named as its title reads (the round's title names its year: 「106年度服務品質評分」)."""
        return f"{self.title()}.{extension}"

    def headers(self) -> list[tuple[str, float]]:
        # A dimension's points on a line of their own: a number is never broken across lines.
        dimensions = [(f"{name}\n（{self.matrix.dimension_points[name]} 分）", 13) for name in self.matrix.dimensions]
        return [
            ("分局", 16),
            ("組別", 8),
            *dimensions,
            ("總分\n（1000 分）", 14),
            ("總排名", 8),
            ("組內排名", 10),
            ("自評總分", 10),
            ("去年成績", 10),
        ]

    def column_widths(self) -> list[float]:
        return [width for _, width in self.headers()]

    def rows(self) -> Iterator[Row]:
        headers = self.headers()
        scoring_round = self.matrix.round
        yield Row([Cell(self.title(), colspan=len(headers))], kind="title")
        yield Row(
            [
                Cell(
                    f"狀態：{scoring_round.get_state_display()}　差距門檻：{plain_number(scoring_round.spread_threshold)} 分",
                    colspan=len(headers),
                )
            ],
            kind="mark",
        )
        yield Row([Cell(header) for header, _ in headers], kind="header")
        for row in self.matrix.rows:
            yield Row(
                [
                    Cell(value)
                    for value in [
                        row.precinct.plan.organization.name,
                        row.precinct.group,
                        *[value for _name, value in row.cells],
                        row.totals.total_1000,
                        row.rank,
                        row.group_rank or "",
                        row.self_score if row.self_score is not None else "—",
                        row.last_year if row.last_year is not None else "—",
                    ]
                ]
            )
