"""Exporters of the progress side: the 管制表 of a 定期管制考核."""

from collections.abc import Iterator

from sq_portal.roc_dates import format_roc
from sq_portal.sheets import Cell, Exporter, Row

from .follow_ups import previous_answers, previous_courtesy_answers
from .models import ControlReview, ReviewItem


def plain_number(value) -> str:
    """72.0 → 72, 72.50 → 72.5: a score as the meeting reads it."""
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def follow_up_unit(item) -> str:
    """Who follows the item up: the unit the meeting named, else the measure's first 主辦 (then 協辦) unit,
    else its 承辦單位 as printed (各單位)."""
    if item.follow_up_unit:
        return item.follow_up_unit.name
    measure = item.measure
    units = [*measure.lead_units.all(), *measure.support_units.all()]
    return units[0].name if units else measure.units_display()


def finding_with_answers(item, previous, closed: bool) -> str:
    """The 檢討情形 cell as the review's page shows the follow-up beside it (a measure's item and a 電話禮貌測試's alike):
    for an item carried from the previous review, the 追蹤單位's answer to it first; for an item a closed review
    kept under control, the answer to it after."""
    parts = []
    if item.origin == item.Origin.CARRIED:
        parts.append(f"前次追蹤辦理情形：{previous.text if previous else '追蹤單位尚未填報辦理情形。'}")
    if item.finding:
        parts.append(item.finding)
    if closed and item.decision == ReviewItem.Decision.KEEP:
        answer = getattr(item, "answer", None)
        parts.append(f"辦理情形：{answer.text if answer else '尚未填報。'}")
    return "\n".join(parts)


class ControlSheetExporter(Exporter):
    """A review as the meeting's 管制表: one row per measure under control, with the decision; then, when
    there are any, one row per unit whose 電話禮貌測試 fell below the pass score. Each row's 檢討情形 carries the
    follow-up answers the review's page shows (`finding_with_answers`)."""

    identifier = "control-sheet"
    name = "管制表"
    header_rows = 3  # the title, the meeting and its dates, the column headers: on every printed page
    SIGN_OFF = [("承辦人：", 4), ("單位主管：", 4), ("機關首長：", 3)]  # (label, columns it spans)

    def __init__(self, review: ControlReview):
        self.review = review

    def title(self) -> str:
        plan = self.review.plan
        return f"{plan.organization.official_name()} {plan.year} 年提升服務品質定期管制考核管制表"

    def heading(self) -> str:
        review = self.review
        return f"{review.title}　檢視基準日：{format_roc(review.as_of)}　會議日期：{format_roc(review.meeting_date)}"

    def filename(self, extension: str) -> str:
        return f"{self.review.title}管制表.{extension}"

    # Widths that print at 10 pt or more on A4 landscape (tests/test_form_exports.py).
    HEADERS = [
        ("項次", 4), ("構面／評核項目", 14), ("措施名稱", 20), ("承辦單位", 12), ("提列原因", 9),
        ("進度（實際／預定）", 10), ("檢討情形", 26), ("改善措施", 26), ("追蹤單位", 10), ("追蹤期限", 10), ("決議", 9),
    ]
    # The 電話禮貌測試 section uses the same columns under headings of its own.
    COURTESY_HEADERS = [
        "項次", "受測單位", "測試發現", "測試日期／測試人員", "提列原因", "分數（及格分數）",
        "檢討情形", "改善措施", "追蹤單位", "追蹤期限", "決議",
    ]
    COURTESY_SECTION = "電話禮貌測試未達及格分數的單位"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(self.heading(), colspan=len(self.HEADERS))], kind="mark")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        items = self.review.items.select_related(
            "measure__item__dimension", "follow_up_unit", "answer"
        ).prefetch_related("measure__lead_units", "measure__support_units")
        closed = not self.review.is_open
        previous = previous_answers(self.review)
        for number, item in enumerate(items, start=1):
            measure = item.measure
            progress = "—" if item.progress is None else f"{item.progress}%"
            planned = "—" if item.planned is None else f"{item.planned}%"
            yield Row([Cell(value) for value in [
                number,
                f"{measure.item.dimension.name}／{measure.item.name}",
                measure.name,
                measure.units_display(),
                item.status_label + ("（前次繼續列管）" if item.origin == item.Origin.CARRIED else ""),
                f"{progress}／{planned}",
                finding_with_answers(item, previous.get(item.measure_id), closed),
                item.action,
                follow_up_unit(item),
                format_roc(item.follow_up_due),
                item.get_decision_display(),
            ]])
        yield from self.courtesy_rows()
        yield Row([Cell(label, colspan=span) for label, span in self.SIGN_OFF], kind="sign")

    def courtesy_rows(self) -> Iterator[Row]:
        items = list(self.review.courtesy_items.select_related("unit", "courtesy_test", "answer"))
        if not items:
            return
        closed = not self.review.is_open
        previous = previous_courtesy_answers(self.review)
        yield Row([Cell(self.COURTESY_SECTION, colspan=len(self.HEADERS))], kind="section")
        yield Row([Cell(header) for header in self.COURTESY_HEADERS], kind="header")
        for number, item in enumerate(items, start=1):
            test = item.courtesy_test
            yield Row([Cell(value) for value in [
                number,
                item.unit.name,
                test.findings,
                f"{format_roc(test.tested_on)}／{test.tester}",
                item.get_origin_display(),
                f"{plain_number(test.score)}（{plain_number(item.pass_score)}）",
                finding_with_answers(item, previous.get(item.unit_id), closed),
                item.action,
                item.unit.name,
                format_roc(item.follow_up_due),
                item.get_decision_display(),
            ]])
