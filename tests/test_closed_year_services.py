"""The year closes in the service functions too: after the plan's 結算日 every write of measures, planned progress
and indicators is refused with the pages' Chinese reason and writes nothing; only the fixture loader writes a closed
year, by saying so (`allow_closed_year=True`)."""

import shutil
from datetime import date

import pytest
import yaml
from django.core.exceptions import PermissionDenied

from diagnosis.models import Plan
from measures.measure_writes import (
    MeasureRowWrite,
    indicator_retire,
    indicator_save,
    measure_create,
    measure_move,
    measure_retire,
    measure_update,
    measures_bulk_save,
    planned_progress_set,
)
from measures.models import Indicator, Measure, PlannedProgress
from measures.plan_fixture import plan_load

from .test_plan_fixture import FIXTURE

pytestmark = pytest.mark.django_db

REASON = "本年度計畫已於 107/01/31 結算，措施、預定進度與績效指標不能再修改；如需修改，請先在計畫設定延後結算日。"


@pytest.fixture
def closed(plan_106):
    plan_106.closing_date = date(2018, 1, 31)  # long past: the year is closed today
    plan_106.save(update_fields=["closing_date"])
    return plan_106


def snapshot(plan) -> tuple:
    measures = Measure.objects.filter(plan=plan)
    return (
        list(measures.order_by("pk").values_list("pk", "name", "position", "version", "retired_at")),
        list(PlannedProgress.objects.filter(measure__plan=plan).order_by("pk").values_list("pk", "percent")),
        list(Indicator.objects.filter(measure__plan=plan).order_by("pk").values_list("pk", "name", "retired_at")),
        Measure.history.filter(plan=plan).count(),
    )


def writes(plan, user):
    staff = user("secretariat")
    measure = plan.measures.prefetch_related("lead_units", "support_units").get(
        source=Measure.Source.FORM2, name="主動服務"
    )
    measure.plan = plan
    indicator = Indicator.objects.create(measure=measure, name="慰問簡訊", unit="件", target_value=100, position=1)
    item = measure.item
    changed = Measure.objects.get(pk=measure.pk)
    changed.name = "改名"
    return {
        "create": lambda: measure_create(
            plan=plan, item=item, focus_point=None, source="form2", position=99, name="新措施", user=staff
        ),
        "bulk": lambda: measures_bulk_save(plan=plan, rows=[MeasureRowWrite(changed, [], [])], user=staff),
        "update": lambda: measure_update(
            measure=measure, user=staff, expected_version=changed.version, lead_units=[], support_units=[], name="改名"
        ),
        "move": lambda: measure_move(measure=measure, user=staff, direction="down"),
        "retire": lambda: measure_retire(measure=measure, user=staff),
        "planned": lambda: planned_progress_set(measure=measure, user=staff, months={date(2017, 5, 1): 50}),
        "indicator": lambda: indicator_save(
            indicator=Indicator(measure=measure, name="新指標", unit="件", target_value=1), user=staff
        ),
        "indicator_retire": lambda: indicator_retire(indicator=indicator, user=staff),
    }


@pytest.mark.parametrize(
    "write", ["create", "update", "bulk", "move", "retire", "planned", "indicator", "indicator_retire"]
)
def test_a_service_write_on_a_closed_year_raises_and_writes_nothing(closed, user, write):
    call = writes(closed, user)[write]
    before = snapshot(closed)
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert str(refused.value) == REASON
    assert snapshot(closed) == before


def test_the_same_writes_go_through_while_the_year_is_open(plan_106, user):
    """The refusal is the 結算日's, not the writes' (the conftest keeps the 106 plan open)."""
    for call in writes(plan_106, user).values():
        call()
    assert Measure.objects.filter(plan=plan_106, name="新措施").exists()


def test_the_loader_still_loads_a_closed_year(tmp_path):
    """The seed's plan under another year number, its period (2017) and so its 結算日 long past, like 106's."""
    folder = tmp_path / "plan_107"
    shutil.copytree(FIXTURE, folder)
    spec = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    spec["year"] = 107
    (folder / "plan.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    result = plan_load(directory=folder)
    assert result.created and result.plan.is_closed()
    assert result.plan.measures.count() == Plan.objects.get(year=106).measures.count() == 37
