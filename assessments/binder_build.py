"""Building a plan's binder: the chosen files, section by section, streamed into the zip and turned into pages;
each focus point's summary; the cover and table of contents once every page number is known; then one PDF
written as it goes (`StreamingPdfWriter`) with bookmarks 構面 → 評核項目 → 評核重點. Used by the background job
(`assessments.tasks`) and by `manage.py build_binder` alike."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from sq_portal.roc_dates import format_roc

from .binder_archive import BinderArchive, ManifestRow, zip_name
from .binder_convert import to_pdf
from .binder_pages import SummaryDocument, TocRow, front_matter
from .binder_pdf import OutlineNode, Source, StreamingPdfWriter
from .binder_selection import Section, SectionFile, binder_sections

Progress = Callable[[int, int], None]


@dataclass
class Piece:
    """A run of pages in the binder: from a file of its own (`path`) or from the summary document (`pages`)."""

    path: Path | None
    pages: range


@dataclass
class PlannedSection:
    section: Section
    summary: range
    pieces: list[Piece] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.summary) + sum(len(piece.pages) for piece in self.pieces)


@dataclass(frozen=True)
class BuildResult:
    pages: int
    manifest: list[dict]
    failed: int


def binder_pdf_name(plan) -> str:
    return f"{plan.year}年度佐證資料冊.pdf"


def included_sections(plan, as_of: date) -> list[Section]:
    """The sections a binder has: every focus point, and an item's measures naming none where there are any."""
    return [s for s in binder_sections(plan, as_of) if s.focus_point is not None or s.measures or s.chosen]


def report_text(file: SectionFile) -> str:
    if file.is_own:
        return "研考承辦自行上傳"
    report = file.evidence.report
    return f"{format_roc(report.period, 'month')}（{report.get_status_display()}）"


def build_binder(plan, as_of: date, pdf_path: Path, zip_path: Path, progress: Progress | None = None) -> BuildResult:
    """Write the binder PDF to `pdf_path` and the zip to `zip_path`; `progress(done, total)` after each step."""
    progress = progress or (lambda done, total: None)
    sections = included_sections(plan, as_of)
    files = sum(len(section.chosen) for section in sections)
    total, done = 2 * files + 3, 0
    progress(done, total)
    with TemporaryDirectory(prefix="binder-") as workdir:
        work = Path(workdir)
        archive = BinderArchive(zip_path)
        summaries = SummaryDocument(plan, as_of)
        planned: list[PlannedSection] = []
        dimension_numbers: dict[int, int] = {}
        for index, section in enumerate(sections, start=1):
            dimension_numbers.setdefault(section.dimension.pk, len(dimension_numbers) + 1)
            folder = (
                f"{dimension_numbers[section.dimension.pk]:02d}-{section.dimension.name}",
                f"{section.item.position:02d}-{section.item.name}",
                f"{index:02d}-{section.title}",
            )
            pieces, notices, names = [], [], []
            for number, file in enumerate(section.chosen, start=1):
                entry = file.entry
                download = entry.download_name
                arcname = zip_name(*folder, f"{number:03d}-{download}")
                copy = work / f"{index:03d}-{number:03d}{PurePosixPath(download).suffix}"
                with entry.open_file() as source:
                    size, sha256 = archive.add_original(source, arcname, copy)
                converted = to_pdf(copy, entry.file_content_type, work)
                report = None if file.is_own else file.evidence.report
                archive.rows.append(
                    ManifestRow(
                        path=arcname,
                        name=download,
                        size=size,
                        sha256=sha256,
                        unit=report.unit.name if report else "研考承辦",
                        report=report_text(file),
                        measure=report.measure.name if report else "",
                        section=" › ".join(folder),
                        pdf=converted.how or "未能轉檔",
                        note=converted.reason,
                        report_id=report.pk if report else None,
                    )
                )
                names.append(download if converted.path else f"{download}（未能轉為 PDF，原始檔見 zip）")
                if converted.path is not None:
                    pieces.append(Piece(converted.path, range(converted.pages)))
                else:
                    pieces.append(Piece(None, range(0)))
                    notices.append((len(pieces) - 1, download, file.source, arcname, converted.reason))
                done += 1
                progress(done, total)
            summary = summaries.add_summary(section, names)
            for position, name, source, arcname, reason in notices:
                pieces[position] = Piece(
                    None, summaries.add_notice(name=name, source=source, path_in_zip=arcname, reason=reason)
                )
            planned.append(PlannedSection(section, summary, pieces))
        summary_path = work / "summaries.pdf"
        summaries.output(summary_path)
        done += 1
        progress(done, total)

        front_path = work / "front.pdf"
        front_pages = 2
        for _attempt in range(5):  # the contents' own length moves every page number after it
            rows, outline = contents(planned, first_page=front_pages)
            front_written = front_matter(front_path, plan=plan, as_of=as_of, rows=rows)
            if front_written.pages == front_pages:
                break
            front_pages = front_written.pages
        done += 1
        progress(done, total)

        summary_source = Source(summary_path)
        with pdf_path.open("wb") as out:
            writer = StreamingPdfWriter(out, title=f"{plan.title}（佐證資料冊）")
            front = Source(front_path)
            writer.add_pdf(front, range(1), numbered=False)
            writer.add_pdf(front, range(1, front.page_count), links=front_written.links)
            for item in planned:
                writer.add_pdf(summary_source, item.summary)
                for piece in item.pieces:
                    writer.add_pdf(
                        piece.path if piece.path is not None else summary_source, None if piece.path else piece.pages
                    )
                    if piece.path is not None:
                        done += 1
                        progress(done, total)
            writer.close([OutlineNode("封面與目錄", 0), *outline])
        archive.close(pdf_path, binder_pdf_name(plan))
    progress(total, total)
    rows = [vars(row) for row in archive.rows]
    return BuildResult(pages=writer.page_count, manifest=rows, failed=sum(1 for row in archive.rows if row.note))


def contents(planned: list[PlannedSection], *, first_page: int) -> tuple[list[TocRow], list[OutlineNode]]:
    """The table of contents and the bookmarks, 構面 → 評核項目 → 評核重點, each at the first page of what it
    holds (0-based in the outline, 1-based as printed), the sections starting after `first_page` pages."""
    rows: list[TocRow] = []
    outline: list[OutlineNode] = []
    page = first_page
    dimension_node = item_node = None
    for item in planned:
        section = item.section
        if dimension_node is None or dimension_node.key != section.dimension.pk:
            dimension_node = KeyedNode(section.dimension.name, page, key=section.dimension.pk)
            outline.append(dimension_node)
            rows.append(TocRow(0, section.dimension.name, page + 1))
            item_node = None
        if item_node is None or item_node.key != section.item.pk:
            item_node = KeyedNode(section.item.name, page, key=section.item.pk)
            dimension_node.children.append(item_node)
            rows.append(TocRow(1, section.item.name, page + 1))
        item_node.children.append(OutlineNode(section.title, page))
        rows.append(TocRow(2, section.title, page + 1))
        page += item.page_count
    return rows, outline


@dataclass
class KeyedNode(OutlineNode):
    key: int = 0
