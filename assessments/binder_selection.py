"""佐證資料冊的內容：計畫的構面 → 評核項目 → 評核重點，每個評核重點下的措施（最新執行情形、進度、績效指標與
達成率）、單位送出的填報所附佐證資料，以及研考承辦已選入的檔案與其順序。選擇頁與製作資料冊讀同一份。

Queries: the items and the focus points, the plan's progress (`PlanProgress.load`, a fixed number), the
indicators' actual values (`indicator_actuals`, three), the latest sent narrative of each measure, the sent
reports' evidence, the binder's entries: none of them grows with the number of measures, reports or files."""

from dataclasses import dataclass, field
from datetime import date

from diagnosis.models import FocusPoint, Item, Plan
from measures.models import Evidence, Measure, ProgressReport
from measures.progress import COUNTED_REPORT_STATUSES, PlanProgress, end_of_day
from measures.status import MeasureStatus, month_start
from sq_portal.roc_dates import format_roc

from .indicators import IndicatorProgress, indicator_actuals
from .models import BinderEntry


@dataclass
class MeasureSummary:
    """One measure as its focus point's summary shows it."""

    measure: Measure
    status: MeasureStatus | None
    narrative: str = ""
    narrative_unit: str = ""
    narrative_period: date | None = None
    indicators: list[IndicatorProgress] = field(default_factory=list)


@dataclass
class SectionFile:
    """A file under a focus point: a unit's evidence (chosen when it has an entry) or 研考承辦's own upload."""

    evidence: Evidence | None
    entry: BinderEntry | None

    @property
    def chosen(self) -> bool:
        return self.entry is not None

    @property
    def is_own(self) -> bool:
        return self.evidence is None

    @property
    def key(self) -> str:
        return f"o{self.entry.pk}" if self.is_own else f"e{self.evidence.pk}"

    @property
    def position(self) -> int | None:
        return self.entry.position if self.entry is not None else None

    @property
    def name(self) -> str:
        return self.entry.original_name if self.is_own else self.evidence.original_name

    @property
    def size(self) -> int:
        return self.entry.size if self.is_own else self.evidence.size

    @property
    def source(self) -> str:
        """Where the file came from, in words: the report's unit and month, or 研考承辦's upload."""
        if self.is_own:
            return "研考承辦自行上傳"
        report = self.evidence.report
        return f"{report.unit.name}　{format_roc(report.period, 'month')}填報（{report.measure.name}）"


@dataclass
class Section:
    """A focus point of an item, or (focus_point None) the item's measures that name no focus point."""

    item: Item
    focus_point: FocusPoint | None
    measures: list[MeasureSummary] = field(default_factory=list)
    files: list[SectionFile] = field(default_factory=list)

    @property
    def dimension(self):
        return self.item.dimension

    @property
    def key(self) -> str:
        return f"p{self.focus_point.pk}" if self.focus_point is not None else f"i{self.item.pk}"

    @property
    def title(self) -> str:
        return self.focus_point.name if self.focus_point is not None else "未指定評核重點的措施"

    @property
    def chosen(self) -> list[SectionFile]:
        return [f for f in self.files if f.chosen]

    def sort_files(self) -> None:
        """Chosen files in their order first, then the others as the reports came in."""
        self.files.sort(key=lambda f: (not f.chosen, f.position or 0))


def section_for(plan: Plan, key: str) -> tuple[Item, FocusPoint | None] | None:
    """The (item, focus point) a section key names in `plan` ("p<focus point id>" or "i<item id>"); None for any
    other key, or a focus point or item of another plan."""
    kind, number = key[:1], key[1:]
    if not number.isdigit() or len(number) > 18:
        return None
    if kind == "p":
        point = (
            FocusPoint.objects.select_related("item__dimension")
            .filter(pk=int(number), item__dimension__plan=plan)
            .first()
        )
        return (point.item, point) if point is not None else None
    if kind == "i":
        item = Item.objects.select_related("dimension").filter(pk=int(number), dimension__plan=plan).first()
        return (item, None) if item is not None else None
    return None


def sent_evidence(plan: Plan):
    """The evidence files of the plan's sent reports (sent or accepted; never drafts or returned ones)."""
    return Evidence.objects.filter(report__measure__plan=plan, report__status__in=COUNTED_REPORT_STATUSES)


def binder_sections(plan: Plan, as_of: date) -> list[Section]:
    """Every section of the plan in the plan's order, each with its measures and files (see the module)."""
    items = list(
        Item.objects.filter(dimension__plan=plan)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    )
    points: dict[int, list[FocusPoint]] = {}
    for point in FocusPoint.objects.filter(item__dimension__plan=plan).order_by("item_id", "position"):
        points.setdefault(point.item_id, []).append(point)
    measures = list(Measure.objects.filter(plan=plan).active().with_units().in_plan_order())
    progress = PlanProgress.load(plan, as_of, measures=measures)
    summaries = {m.pk: MeasureSummary(m, progress.status.get(m.pk)) for m in measures}
    for indicator in indicator_actuals(measures, as_of):
        summaries[indicator.indicator.measure_id].indicators.append(indicator)
    latest = (
        ProgressReport.objects.filter(
            measure__plan=plan,
            status__in=COUNTED_REPORT_STATUSES,
            period__lte=month_start(as_of),
            submitted_at__lt=end_of_day(as_of),
        )
        .order_by("measure_id", "-period", "-submitted_at")
        .values_list("measure_id", "narrative", "unit__name", "period")
    )
    for measure_id, narrative, unit_name, period in latest:
        summary = summaries.get(measure_id)
        if summary is not None and summary.narrative_period is None:
            summary.narrative, summary.narrative_unit, summary.narrative_period = narrative, unit_name, period

    sections: dict[tuple[int, int | None], Section] = {}
    for item in items:
        for point in points.get(item.pk, []):
            point.item = item
            sections[(item.pk, point.pk)] = Section(item, point)
    by_measure: dict[int, Section] = {}
    for measure in measures:
        key = (measure.item_id, measure.focus_point_id)
        if key not in sections:  # a measure naming no focus point (or one of another item): its item's section
            key = (measure.item_id, None)
            if key not in sections:
                item = next((i for i in items if i.pk == measure.item_id), None)
                if item is None:
                    continue
                sections[key] = Section(item, None)
        sections[key].measures.append(summaries[measure.pk])
        by_measure[measure.pk] = sections[key]

    entries = list(BinderEntry.objects.for_plan(plan))
    chosen = {entry.evidence_id: entry for entry in entries if entry.evidence_id is not None}
    evidence = (
        sent_evidence(plan)
        .select_related("report__unit", "report__measure")
        .order_by("report__period", "report__unit__tree_order", "uploaded_at", "pk")
    )
    for file in evidence:
        section = by_measure.get(file.report.measure_id)
        if section is not None:
            section.files.append(SectionFile(file, chosen.get(file.pk)))
    for entry in entries:
        if entry.is_own:
            section = sections.get((entry.item_id, entry.focus_point_id))
            if section is not None:
                section.files.append(SectionFile(None, entry))

    ordered = []
    for item in items:
        keys = [(item.pk, point.pk) for point in points.get(item.pk, [])] + [(item.pk, None)]
        ordered.extend(sections[key] for key in keys if key in sections)
    for section in ordered:
        section.sort_files()
    return ordered
