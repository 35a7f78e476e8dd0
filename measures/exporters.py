"""附表1 and 附表2 as the bureau receives them, as exporters for the shared xlsx/ods renderers.

Each reads its plan in a fixed number of queries (the plan, its framework or measures with their units)
and yields its rows once; the renderer writes them once."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from diagnosis.models import Plan
from sq_portal.roc_dates import format_roc
from sq_portal.sheets import Cell, Exporter, Row

from .models import Measure
from .models.measures import compose_responsible_text, form_unit_names, linked_unit_names
from .status import ONGOING_LABEL

ROC_NUMERALS = "一二三四五六七八九十"


class FormMeasure(NamedTuple):
    """One row of a form: the columns it prints, read as plain values (no model instances)."""

    item_id: int
    item_name: str
    dimension_id: int
    dimension_name: str
    focus_point_name: str | None
    name: str
    content: str
    deadline_display: str
    units: str
    measure_id: int = 0  # not printed: what a submission's snapshot keys its rows by


FORM_COLUMNS = (
    "pk", "item_id", "item__name", "item__dimension_id", "item__dimension__name", "focus_point__name", "name", "content",
    "ongoing", "deadline", "responsible_text", "all_units",
)


def _form_query(plan_id, source, columns):
    return Measure.objects.filter(plan_id=plan_id, source=source, retired_at__isnull=True).in_plan_order().values_list(*columns)


def form1_rows(*, plan_id):
    """附表1's measures in plan order with FORM_COLUMNS."""
    return _form_query(plan_id, Measure.Source.FORM1, FORM_COLUMNS)


def form2_rows(*, plan_id):
    """附表2's measures in plan order with FORM_COLUMNS but 評核重點, which 附表2 does not print (not joined)."""
    return _form_query(plan_id, Measure.Source.FORM2, [c for c in FORM_COLUMNS if c != "focus_point__name"])


def _form_measures(plan: Plan, source: str) -> list[FormMeasure]:
    """The form's measures in plan order with the columns the form prints (2 queries: the measures with item,
    dimension (and, for 附表1, focus point) joined, then their 主辦 and 協辦 unit names in the plan's order, in one UNION).

    Only the values the sheet needs are read: building Measure, Item, Dimension, FocusPoint and Unit
    instances cost more than writing the sheet."""
    if source == Measure.Source.FORM1:
        rows = form1_rows(plan_id=plan.pk)
    else:
        at = FORM_COLUMNS.index("focus_point__name")
        rows = [(*row[:at], None, *row[at:]) for row in form2_rows(plan_id=plan.pk)]
    lead, support = linked_unit_names(form_unit_names(plan_id=plan.pk, source=source))
    return [
        FormMeasure(
            item_id, item_name, dimension_id, dimension_name, focus_point_name, name, content,
            ONGOING_LABEL if ongoing else format_roc(deadline),  # as the seed prints it: 賡續辦理, a date or blank
            responsible_text or compose_responsible_text(source, lead.get(pk, []), support.get(pk, []), all_units),  # units_display()
            pk,
        )
        for (pk, item_id, item_name, dimension_id, dimension_name, focus_point_name, name, content, ongoing, deadline,
             responsible_text, all_units) in rows
    ]


class Form2Exporter(Exporter):
    """附表2：分局提升服務品質組織診斷具體作法措施調查表 (構面名稱 / 項目 / 措施名稱 / 措施內容 / 承辦單位)."""

    identifier = "form2"
    name = "附表2"
    header_rows = 3  # 附表2, the title and the column headers, on every printed page
    HEADERS = [("構面名稱", 12), ("項目", 16), ("措施名稱", 26), ("措施內容", 70), ("承辦單位", 16)]

    def __init__(self, plan: Plan):
        self.plan = plan
        self.measures = _form_measures(plan, Measure.Source.FORM2)

    def title(self) -> str:
        return f"{self.plan.organization.official_name()} {self.plan.year} 年提升服務品質組織診斷具體作法措施調查表"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.name, colspan=len(self.HEADERS))], kind="mark")
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        per_dimension = Counter(m.dimension_id for m in self.measures)
        per_item = Counter(m.item_id for m in self.measures)
        previous = None
        for measure in self.measures:
            cells = []
            if previous is None or previous.dimension_id != measure.dimension_id:
                cells.append(Cell(measure.dimension_name, rowspan=per_dimension[measure.dimension_id]))
            if previous is None or previous.item_id != measure.item_id:
                cells.append(Cell(measure.item_name, rowspan=per_item[measure.item_id]))
            cells += [Cell(measure.name), Cell(measure.content), Cell(measure.units)]
            yield Row(cells)
            previous = measure


class Form1Exporter(Exporter):
    """附表1：警察局提升服務品質組織診斷具體作法表, one section per 構面 with its points in the heading."""

    identifier = "form1"
    name = "附表1"
    header_rows = 3  # 附表1, the title and the column headers, on every printed page
    TITLE = "警察局提升服務品質組織診斷具體作法表"
    HEADERS = [("評核項目", 14), ("評核重點", 18), ("具體作法", 80), ("完成期限", 11), ("承辦單位", 18)]

    def __init__(self, plan: Plan):
        self.plan = plan
        self.dimensions = list(plan.dimensions.order_by("position"))
        self.measures = _form_measures(plan, Measure.Source.FORM1)

    def title(self) -> str:
        return self.TITLE

    def filename(self, extension: str) -> str:
        return f"{self.plan.year}年附表1-{self.TITLE}.{extension}"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.name, colspan=len(self.HEADERS))], kind="mark")
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        per_item = Counter(m.item_id for m in self.measures)
        per_dimension = defaultdict(list)
        for m in self.measures:
            per_dimension[m.dimension_id].append(m)
        for number, dimension in enumerate(self.dimensions):
            measures = per_dimension.get(dimension.pk, [])
            heading = f"{ROC_NUMERALS[number]}、{dimension.get_scope_display()}-{dimension.name}（{dimension.points} 分）"
            yield Row([Cell(heading, colspan=len(self.HEADERS))], kind="section")
            if dimension.scope == dimension.Scope.OVERALL:
                # The 整體 section has only 評核重點 and 具體作法.
                yield Row([Cell("評核重點", colspan=2), Cell("具體作法", colspan=3)], kind="header")
                for measure in measures:
                    point = measure.focus_point_name if measure.focus_point_name is not None else measure.item_name
                    yield Row([Cell(point, colspan=2), Cell(measure.content, colspan=3)])
                continue
            previous_item = None
            for measure in measures:
                cells = []
                if measure.item_id != previous_item:
                    cells.append(Cell(measure.item_name, rowspan=per_item[measure.item_id]))
                    previous_item = measure.item_id
                point = measure.focus_point_name if measure.focus_point_name is not None else ""
                cells += [Cell(point), Cell(measure.content), Cell(measure.deadline_display), Cell(measure.units)]
                yield Row(cells)


FORM_EXPORTERS = {1: Form1Exporter, 2: Form2Exporter}
