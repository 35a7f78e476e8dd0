"""Loading a plan folder: all or nothing, clear Chinese errors, one history entry per created measure."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import IntegrityError, transaction

from diagnosis.models import Plan
from measures.measure_writes import measure_create
from measures.models import Measure
from measures.models.measures import compose_responsible_text
from measures.plan_fixture import PlanFixtureError, plan_load

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "plan_106_shilin"


@pytest.fixture
def plan_folder(tmp_path):
    """A copy of the 106 folder renamed to 107, so it loads next to the real one."""
    folder = tmp_path / "plan_107"
    shutil.copytree(FIXTURE, folder)
    spec = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    spec["year"] = 107
    (folder / "plan.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return folder


def break_row(folder: Path, table: str, index: int, **changes) -> None:
    path = folder / table
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows["measures"][index].update(changes)
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")


def test_it_loads_a_second_year_beside_the_first(plan_folder):
    result = plan_load(directory=plan_folder)
    assert result.created
    assert result.plan.year == 107
    assert result.plan.measures.count() == 37
    assert plan_load(directory=plan_folder).created is False


@pytest.mark.parametrize(
    ("table", "index", "changes", "message"),
    [
        ("form2.yaml", 3, {"item": "不存在的項目"}, "form2.yaml 第 4 列：找不到構面「服務遞送」下的評核項目「不存在的項目」。"),
        ("form1.yaml", 0, {"focus_point": "不存在的重點"}, "form1.yaml 第 1 列：評核項目「服務一致及正確」下沒有評核重點「不存在的重點」。"),
        ("form2.yaml", 10, {"lead_units": ["no-such-unit"]}, "找不到代碼為「no-such-unit」的單位"),
        ("form1.yaml", 2, {"deadline": "明年"}, "form1.yaml 第 3 列：完成期限「明年」應為日期、ongoing 或留空。"),
        ("form2.yaml", 0, {"source": "form9"}, "form2.yaml 第 1 列：來源「form9」不是 form1 或 form2。"),
    ],
)
def test_it_writes_nothing_when_a_row_is_wrong(plan_folder, table, index, changes, message):
    break_row(plan_folder, table, index, **changes)
    plans, measures, history = Plan.objects.count(), Measure.objects.count(), Measure.history.count()
    with pytest.raises(PlanFixtureError) as error:
        plan_load(directory=plan_folder)
    assert message in str(error.value)
    assert (Plan.objects.count(), Measure.objects.count(), Measure.history.count()) == (plans, measures, history)


def test_it_records_one_creation_with_the_units(plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="提供友善服務設施")
    records = list(measure.history.all())
    assert [r.history_type for r in records] == ["+"]
    assert [link.unit.name for link in records[0].lead_units.all()] == ["行政組"]
    assert [link.unit.name for link in records[0].support_units.all()] == ["秘書室"]


def test_it_refuses_a_measure_whose_item_is_in_another_plan(plan_106, plan_folder):
    other = plan_load(directory=plan_folder).plan
    foreign_item = other.dimensions.get(name="基礎服務").items.first()
    with pytest.raises(ValueError, match="不屬於計畫"):
        measure_create(
            plan=plan_106, item=foreign_item, focus_point=None, source="form2", position=99, name="越界措施"
        )


def test_it_refuses_a_deadline_on_an_ongoing_measure(plan_106):
    measure = plan_106.measures.filter(ongoing=True).first()
    measure.deadline = measure.plan.end_date
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


@pytest.mark.parametrize(
    ("source", "lead", "support", "all_units", "expected"),
    [
        ("form2", ["秘書室"], [], True, "秘書室、各單位"),
        ("form2", ["行政組"], ["秘書室"], True, "行政組、秘書室、各單位"),
        ("form2", ["行政組"], [], False, "行政組"),
        ("form2", [], [], True, "各單位"),
        ("form1", ["公關室", "外事科"], [], True, "各分局、大隊、隊、公關室、外事科"),
        ("form1", [], [], True, "各分局、大隊、隊"),
        ("form1", ["交通大隊"], [], False, "交通大隊"),
        ("form1", [], [], False, ""),
    ],
)
def test_it_composes_units_the_way_the_seed_writes_them(source, lead, support, all_units, expected):
    assert compose_responsible_text(source, lead, support, all_units) == expected


def test_it_prints_units_from_the_structure_when_no_text_was_kept(plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.responsible_text = ""
    assert measure.units_display() == "秘書室、偵查隊、各單位"


@pytest.mark.parametrize(
    ("ongoing", "deadline", "shown"),
    [(True, None, "賡續辦理（每月填報）"), (False, "2017-05-31", "106/05/31"), (False, None, "未訂（至計畫期末 106/12/31，每月填報）")],
)
def test_it_shows_the_deadline_in_roc_form(plan_106, ongoing, deadline, shown):
    from datetime import date

    measure = Measure(plan=plan_106, ongoing=ongoing, deadline=date.fromisoformat(deadline) if deadline else None)
    assert measure.deadline_display == shown


def test_it_keeps_the_seeds_units_with_each_name_readable(plan_106):
    """The seed runs names together (各分局、大隊、隊行政科勤指中心資訊室); the plan keeps them, 「、」 between,
    and a name that is no single unit (各業務單位) as written."""
    texts = set(plan_106.measures.filter(source=Measure.Source.FORM1).values_list("responsible_text", flat=True))
    assert "各分局、大隊、隊、行政科、勤指中心、資訊室" in texts
    assert "各分局、大隊、隊、各業務單位" in texts
    assert all(" " not in text for text in texts)
