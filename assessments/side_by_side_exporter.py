"""各機關進度比較 as xlsx/ods: one row per organisation, in the page's order."""

from collections.abc import Iterator

from django.utils import timezone

from sq_portal.roc_dates import format_roc
from sq_portal.sheets import Cell, Exporter, Row

from .side_by_side import SideBySide


class SideBySideExporter(Exporter):
    identifier = "side-by-side"
    name = "各機關進度比較"
    header_rows = 2  # the title and the column headers: on every printed page
    # Widths (in digits) that hold each header on its lines and a row's figures on one line, with room for a face
    # whose digits are wider than Noto's (LibreOffice's pick for 標楷體 differs between xlsx and ods), at 10 pt or
    # more on A4 landscape.
    HEADERS = [
        ("機關", 16),
        ("已完成", 8),
        ("執行中", 8),
        ("未開始", 8),
        ("待填報", 8),
        ("落後", 6),
        ("逾期", 6),
        ("逾時填報", 10),
        ("待追蹤", 8),
        ("送審狀態", 17),
        ("送審日期", 14),
        ("組織診斷\n（1000 分）", 14),
        ("資料時間", 20),
    ]

    def __init__(self, view: SideBySide):
        self.view = view

    def title(self) -> str:
        return f"{self.view.year} 年度各機關進度比較"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        for plan in self.view.plans:
            f = plan.figure_row
            if f is None or f.computed_at is None:
                yield Row([Cell(plan.organization.name), Cell("重新計算中（尚無數字）", colspan=len(self.HEADERS) - 1)])
                continue
            computed = timezone.localtime(f.computed_at)
            yield Row(
                [
                    Cell(value)
                    for value in [
                        plan.organization.name,
                        f.done,
                        f.in_progress,
                        f.not_started,
                        f.report_due,
                        f.lagging,
                        f.overdue,
                        f.late_reports,
                        f.open_follow_ups,
                        f.submission_display,
                        format_roc(timezone.localtime(f.submitted_at).date()) if f.submitted_at else "",
                        "" if f.diagnosis_total is None else float(f.diagnosis_total),
                        f"{format_roc(computed.date())} {computed:%H:%M}",
                    ]
                ]
            )
