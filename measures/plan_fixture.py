"""Loading a year's plan, its evaluation framework and its 附表1/附表2 rows from a fixture folder.

The folder holds `plan.yaml` (the plan, its milestones and the framework: 構面 → 項目 → 評核重點 → 評核基準)
and one file per table (`form1.yaml`, `form2.yaml`) with a `measures:` list. See `fixtures/plan_106_shilin/`."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from diagnosis.models import Criterion, Dimension, FocusPoint, Item, Milestone, Plan, Unit

from .measure_writes import measure_create
from .models import Measure
from .plan_units import only_inside
from .unit_names import UnitNameError, UnitNameIndex

ONGOING = "ongoing"


class PlanFixtureError(ValueError):
    """The fixture names something that does not exist; the message says what, in Chinese."""


@dataclass(frozen=True)
class PlanLoadResult:
    plan: Plan
    created: bool


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise PlanFixtureError(f"找不到代碼為「{code}」的單位，請先載入單位樹。") from None


@transaction.atomic
def plan_load(*, directory: Path) -> PlanLoadResult:
    """Create the plan of `directory` unless its organization already has a plan for that year.

    An existing plan is left untouched (staff may have edited it), so loading twice changes nothing."""
    spec = _read(directory / "plan.yaml")
    organization = _unit(spec["organization"])
    existing = Plan.objects.filter(organization=organization, year=spec["year"]).first()
    if existing is not None:
        return PlanLoadResult(plan=existing, created=False)

    plan = Plan.objects.create(
        organization=organization,
        year=spec["year"],
        title=spec["title"],
        basis=spec.get("basis", ""),
        objectives=spec.get("objectives", ""),
        scope=spec.get("scope", ""),
        content_intro=spec.get("content_intro", ""),
        steps=spec.get("steps", ""),
        evaluation=spec.get("evaluation", ""),
        amendment=spec.get("amendment", ""),
        start_date=spec["start_date"],
        end_date=spec["end_date"],
    )
    for milestone in spec.get("milestones", []):
        Milestone.objects.create(
            plan=plan, date=milestone["date"], month_only=milestone.get("month_only", False), title=milestone["title"]
        )
    items = _create_framework(plan, spec["dimensions"])
    for table in sorted(directory.glob("form*.yaml")):
        _create_measures(plan, items, _read(table)["measures"], table.name)
    return PlanLoadResult(plan=plan, created=True)


def _create_framework(plan: Plan, dimensions: list[dict]) -> dict[tuple[str, str], Item]:
    items: dict[tuple[str, str], Item] = {}
    for d_pos, d_spec in enumerate(dimensions, start=1):
        dimension = Dimension.objects.create(
            plan=plan, position=d_pos, name=d_spec["name"], scope=d_spec["scope"], points=d_spec["points"]
        )
        for i_pos, i_spec in enumerate(d_spec["items"], start=1):
            item = Item.objects.create(
                dimension=dimension, position=i_pos, name=i_spec["name"], description=i_spec.get("description", "")
            )
            items[(dimension.name, item.name)] = item
            for f_pos, f_spec in enumerate(i_spec.get("focus_points", []), start=1):
                focus_point = FocusPoint.objects.create(
                    item=item, position=f_pos, name=f_spec["name"], description=f_spec.get("description", "")
                )
                Criterion.objects.bulk_create(
                    Criterion(focus_point=focus_point, position=c_pos, label=c["label"], text=c["text"])
                    for c_pos, c in enumerate(f_spec.get("criteria", []), start=1)
                )
    return items


def _create_measures(plan: Plan, items: dict[tuple[str, str], Item], rows: list[dict], filename: str) -> None:
    """The rows' 承辦單位 are kept as the seed names them, written as an edited measure's are (「、」 between).
    Of the units a row lists as 主辦/協辦 only those inside the plan's organisation are linked: 附表1's are the
    bureau's (tcpd-public-relations …), which no one in a precinct heads; they stay in the printed text."""
    unit_names = UnitNameIndex(plan)
    for position, row in enumerate(rows, start=1):
        where = f"{filename} 第 {position} 列"
        item = items.get((row["dimension"], row["item"]))
        if item is None:
            raise PlanFixtureError(f"{where}：找不到構面「{row['dimension']}」下的評核項目「{row['item']}」。")
        focus_point = None
        if row.get("focus_point"):
            focus_point = item.focus_points.filter(name=row["focus_point"]).first()
            if focus_point is None:
                raise PlanFixtureError(f"{where}：評核項目「{item.name}」下沒有評核重點「{row['focus_point']}」。")
        deadline = row.get("deadline")
        if deadline not in (None, ONGOING) and not isinstance(deadline, date):
            raise PlanFixtureError(f"{where}：完成期限「{deadline}」應為日期、ongoing 或留空。")
        if row["source"] not in Measure.Source.values:
            raise PlanFixtureError(f"{where}：來源「{row['source']}」不是 form1 或 form2。")
        try:
            responsible_text = unit_names.parse(row.get("responsible_text") or "", row["source"]).text
        except UnitNameError as error:
            raise PlanFixtureError(f"{where}：{error}。") from error
        measure_create(
            plan=plan,
            item=item,
            focus_point=focus_point,
            source=row["source"],
            position=position,
            name=row["name"],
            content=row.get("content") or "",
            lead_units=only_inside(plan, [_unit(code) for code in row.get("lead_units", [])]),
            support_units=only_inside(plan, [_unit(code) for code in row.get("support_units", [])]),
            all_units=row.get("all_units", False),
            responsible_text=responsible_text,
            deadline=None if deadline in (None, ONGOING) else deadline,
            ongoing=deadline == ONGOING,
            indicators=row.get("indicators") or [],
            listed_on=plan.start_date,
            allow_closed_year=True,  # the seed's 106 plan is a closed year
        )
