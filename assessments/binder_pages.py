"""The binder's own pages, written with fpdf2 in the Traditional Chinese font of `settings.BINDER_FONT`: the
cover and table of contents, each focus point's summary (measures, progress, indicators and 達成率, the files
that follow), a page for a file that could not be turned into pages, and an image placed on a page."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from fpdf import FPDF
from PIL import Image

from measures.status import Status
from sq_portal.roc_dates import format_roc

from .binder_pdf import PageLink
from .binder_selection import Section

FONT = "binder"
MARGIN = 18  # mm
logging.getLogger("fpdf").setLevel(logging.ERROR)  # a glyph the font lacks is left out, quietly
logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph at INFO


@dataclass(frozen=True)
class TocRow:
    level: int  # 0 構面, 1 評核項目, 2 評核重點
    title: str
    page: int  # 1-based, as printed


def new_document(title: str) -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + 4)
    pdf.add_font(FONT, fname=settings.BINDER_FONT)
    pdf.set_font(FONT, size=11)
    pdf.set_title(title)
    pdf.set_creator("服務品質管考平台")
    return pdf


def paragraph(pdf: FPDF, text: str, size: float = 11, height: float = 6.5, indent: float = 0) -> None:
    pdf.set_font(FONT, size=size)
    pdf.set_x(MARGIN + indent)
    pdf.multi_cell(pdf.epw - indent, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


@dataclass(frozen=True)
class FrontMatter:
    pages: int
    links: dict[int, list[PageLink]]  # by page of the front matter (0-based): each contents row's link


def front_matter(path, *, plan, as_of: date, rows: list[TocRow]) -> FrontMatter:
    """Cover and table of contents into `path`, each row of the contents a link to its page."""
    pdf = new_document(f"{plan.title}（佐證資料冊）")
    pdf.add_page()
    pdf.set_y(80)
    paragraph(pdf, plan.organization.name, size=16, height=10)
    pdf.ln(4)
    paragraph(pdf, plan.title, size=22, height=12)
    pdf.ln(6)
    paragraph(pdf, "書面資料送審　佐證資料冊", size=18, height=10)
    pdf.set_y(220)
    paragraph(pdf, f"資料基準日：{format_roc(as_of, 'long')}", size=13, height=8)
    paragraph(pdf, f"執行期程：{plan.period_display}", size=13, height=8)
    pdf.add_page()
    paragraph(pdf, "目　錄", size=18, height=12)
    pdf.ln(4)
    links: dict[int, list[PageLink]] = {}
    for row in rows:
        size = (13, 12, 11)[row.level]
        pdf.set_font(FONT, size=size)
        indent = row.level * 7
        pdf.set_x(MARGIN + indent)
        pdf.cell(pdf.epw - indent - 16, 8, row.title[:80], new_x="RIGHT", new_y="TOP")
        pdf.cell(16, 8, str(row.page), align="R", new_x="LMARGIN", new_y="NEXT")
        # The row just drawn, on the page it went to (a page break comes before the row, never inside it).
        top, left, right = pdf.get_y() - 8, MARGIN + indent, MARGIN + pdf.epw
        rect = (left * pdf.k, (pdf.h - top - 8) * pdf.k, right * pdf.k, (pdf.h - top) * pdf.k)
        links.setdefault(pdf.page - 1, []).append(PageLink(rect, row.page - 1))
    pdf.output(str(path))
    return FrontMatter(pdf.pages_count, links)


class SummaryDocument:
    """One document holding every focus point's summary page(s) and every 「無法轉檔」 page, so that the font
    is embedded once; `add_*` return the 0-based page range each took."""

    def __init__(self, plan, as_of: date):
        self.plan, self.as_of = plan, as_of
        self.pdf = new_document(f"{plan.title}（佐證資料冊）")

    def add_summary(self, section: Section, files: list[str]) -> range:
        pdf = self.pdf
        start = pdf.pages_count
        pdf.add_page()
        paragraph(pdf, f"{section.dimension.name}　›　{section.item.name}", size=11, height=6)
        paragraph(pdf, section.title, size=16, height=9)
        pdf.ln(2)
        paragraph(pdf, f"執行情形摘要（資料基準日 {format_roc(self.as_of)}）", size=10, height=6)
        pdf.ln(2)
        if not section.measures:
            paragraph(pdf, "本評核重點無列管措施。")
        for number, summary in enumerate(section.measures, start=1):
            measure, status = summary.measure, summary.status
            paragraph(pdf, f"{number}. {measure.name}", size=12.5, height=7.5)
            details = [f"承辦單位：{measure.units_display() or '—'}"]
            if status is not None:
                progress = "—" if status.progress is None else f"{status.progress}%"
                planned = "" if status.planned is None else f"（預定 {status.planned}%）"
                details.append(
                    f"執行狀態：{Status(status.status).value}　累計進度 {progress}{planned}　{status.deadline_label}"
                )
            for indicator in summary.indicators:
                actual = "—" if indicator.actual is None else f"{indicator.actual.normalize():f}"
                details.append(
                    f"績效指標：{indicator.indicator.name}　{indicator.indicator.target_display(self.plan.year)}　"
                    f"實際值 {actual}　達成率 {indicator.rate_display}"
                )
            if summary.narrative_period is not None:
                details.append(
                    f"最新執行情形（{summary.narrative_unit}，{format_roc(summary.narrative_period, 'month')}）：{summary.narrative}"
                )
            for line in details:
                paragraph(pdf, line, size=10, height=5.8, indent=5)
            pdf.ln(2)
        pdf.ln(2)
        paragraph(pdf, "佐證資料（依序附於本頁之後）", size=12, height=7)
        for number, name in enumerate(files, start=1):
            paragraph(pdf, f"{number}. {name}", size=10, height=5.8, indent=5)
        if not files:
            paragraph(pdf, "（未選入佐證資料）", size=10, height=5.8, indent=5)
        return range(start, pdf.pages_count)

    def add_notice(self, *, name: str, source: str, path_in_zip: str, reason: str) -> range:
        pdf = self.pdf
        start = pdf.pages_count
        pdf.add_page()
        paragraph(pdf, "此佐證資料無法轉為 PDF 頁面", size=16, height=10)
        pdf.ln(4)
        for line in (
            f"檔名：{name}",
            f"來源：{source}",
            f"原因：{reason}",
            f"原始檔案已收於資料冊 zip 檔：{path_in_zip}",
        ):
            paragraph(pdf, line, size=11, height=7)
        return range(start, pdf.pages_count)

    def output(self, path) -> None:
        if self.pdf.pages_count == 0:
            self.pdf.add_page()
        self.pdf.output(str(path))


def image_page(image_path, out_path) -> None:
    """The image fitted onto one A4 page (landscape when it is wider than tall); its name is on the summary."""
    with Image.open(image_path) as image:
        width, height = image.size
    landscape = width > height
    pdf = FPDF(orientation="L" if landscape else "P", format="A4", unit="mm")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    box_w, box_h = pdf.epw, pdf.eph - 8
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    pdf.image(str(image_path), x=12 + (box_w - w) / 2, y=12 + (box_h - h) / 2, w=w, h=h)
    pdf.output(str(out_path))
