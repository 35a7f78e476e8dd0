"""附表1 and 附表2 as the bureau receives them, as exporters for the shared xlsx/ods renderers.

Each reads its plan in a fixed number of queries (the plan, its framework or measures with their units)
and yields its rows once; the renderer writes them once."""

from collections import Counter
from collections.abc import Iterator

from django.db.models import Prefetch

from diagnosis.models import Plan
from sq_portal.sheets import Cell, Exporter, Row

from .models import Measure, Unit
from .models.measures import compose_responsible_text

ROC_NUMERALS = "一二三四五六七八九十"


def _form_measures(plan: Plan, source: str) -> list[Measure]:
    """The form's measures in plan order, item, dimension and focus point joined, units in lists (3 queries).

    The units go to plain lists (`lead_list`, `support_list`): prefetching them into the managers, as
    `with_units()` does, builds a queryset per measure, which cost more than writing the sheet."""
    return list(
        Measure.objects.filter(plan=plan, source=source, retired_at__isnull=True)
        .select_related("item__dimension", "focus_point")
        .prefetch_related(
            Prefetch("lead_units", queryset=Unit.objects.order_by("measure_lead_links__pk"), to_attr="lead_list"),
            Prefetch("support_units", queryset=Unit.objects.order_by("measure_support_links__pk"), to_attr="support_list"),
        )
        .in_plan_order()
    )


def _units(measure: Measure) -> str:
    """Measure.units_display() from the lists _form_measures fetched."""
    if measure.responsible_text:
        return measure.responsible_text
    return compose_responsible_text(
        measure.source,
        [u.display_name for u in measure.lead_list],
        [u.display_name for u in measure.support_list],
        measure.all_units,
    )


class Form2Exporter(Exporter):
    """附表2：分局提升服務品質組織診斷具體作法措施調查表 (構面名稱 / 項目 / 措施名稱 / 措施內容 / 承辦單位)."""

    identifier = "form2"
    name = "附表2"
    HEADERS = [("構面名稱", 12), ("項目", 16), ("措施名稱", 26), ("措施內容", 70), ("承辦單位", 16)]

    def __init__(self, plan: Plan):
        self.plan = plan
        self.measures = _form_measures(plan, Measure.Source.FORM2)

    def title(self) -> str:
        return f"{self.plan.organization.official_name()} {self.plan.year} 年提升服務品質組織診斷具體作法措施調查表"

    def column_widths(self) -> list[float]:
        return [width for _, width in self.HEADERS]

    def rows(self) -> Iterator[Row]:
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
        per_dimension = Counter(m.item.dimension_id for m in self.measures)
        per_item = Counter(m.item_id for m in self.measures)
        previous = None
        for measure in self.measures:
            cells = []
            if previous is None or previous.item.dimension_id != measure.item.dimension_id:
                cells.append(Cell(measure.item.dimension.name, rowspan=per_dimension[measure.item.dimension_id]))
            if previous is None or previous.item_id != measure.item_id:
                cells.append(Cell(measure.item.name, rowspan=per_item[measure.item_id]))
            cells += [Cell(measure.name), Cell(measure.content), Cell(_units(measure))]
            yield Row(cells)
            previous = measure


class Form1Exporter(Exporter):
    """附表1：警察局提升服務品質組織診斷具體作法表, one section per 構面 with its points in the heading."""

    identifier = "form1"
    name = "附表1"
    header_rows = 1
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
        yield Row([Cell(self.title(), colspan=len(self.HEADERS))], kind="title")
        per_item = Counter(m.item_id for m in self.measures)
        for number, dimension in enumerate(self.dimensions):
            measures = [m for m in self.measures if m.item.dimension_id == dimension.pk]
            heading = f"{ROC_NUMERALS[number]}、{dimension.get_scope_display()}-{dimension.name}（{dimension.points} 分）"
            yield Row([Cell(heading, colspan=len(self.HEADERS))], kind="section")
            if dimension.scope == dimension.Scope.OVERALL:
                # The 整體 section has only 評核重點 and 具體作法.
                yield Row([Cell("評核重點", colspan=2), Cell("具體作法", colspan=3)], kind="header")
                for measure in measures:
                    point = measure.focus_point.name if measure.focus_point else measure.item.name
                    yield Row([Cell(point, colspan=2), Cell(measure.content, colspan=3)])
                continue
            yield Row([Cell(header) for header, _ in self.HEADERS], kind="header")
            previous_item = None
            for measure in measures:
                cells = []
                if measure.item_id != previous_item:
                    cells.append(Cell(measure.item.name, rowspan=per_item[measure.item_id]))
                    previous_item = measure.item_id
                point = measure.focus_point.name if measure.focus_point else ""
                cells += [Cell(point), Cell(measure.content), Cell(measure.deadline_display), Cell(_units(measure))]
                yield Row(cells)


FORM_EXPORTERS = {1: Form1Exporter, 2: Form2Exporter}
