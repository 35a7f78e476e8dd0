"""The migrations describe the models: a model change without its migration fails here, not in production."""

import importlib
import os
import subprocess
import sys
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from diagnosis.models import Unit
from measures.exporters import Form1Exporter, Form2Exporter
from measures.models import Measure
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from tests.sheets import ods_grid, xlsx_sheet, xlsx_values


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"missing migrations:\n{out.getvalue()}" if exit_.code else "")


BEFORE_THE_MOVE = [("diagnosis", "0006_plan_year_index"), ("measures", "0003_orderings_by_parent_id"),
                   ("assessments", "0003_proposals_surveys_training_team_courtesy_commendations")]

# Run in a separate process on a database file of its own: migrate to the state before Unit, Membership and
# MeasureDraft moved, write rows in every moved table through that state's models, migrate forward, read them
# back through today's models.
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = %r
for app, name in BEFORE:
    call_command("migrate", app, name, verbosity=0)
apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
User = apps.get_model("auth", "User")
Unit = apps.get_model("measures", "Unit")
Plan = apps.get_model("diagnosis", "Plan")
root = Unit.objects.create(code="old-root", name="舊機關", kind="agency", path="/1/", tree_order="00000-0000000001/")
Unit.objects.create(code="old-station", name="舊派出所", kind="station", parent=root, path="/1/2/", tree_order="x")
person = User.objects.create(username="old-head")
apps.get_model("measures", "Membership").objects.create(user=person, unit=root, role="head")
apps.get_model("measures", "HistoricalUnit").objects.create(
    id=root.pk, code="old-root", name="舊機關", kind="agency", position=0, history_date="2017-01-01T00:00:00Z",
    history_type="+")
plan = Plan.objects.create(organization=root, year=106, title="舊計畫", start_date="2017-01-01", end_date="2017-12-31")
Dimension = apps.get_model("diagnosis", "Dimension")
item = apps.get_model("diagnosis", "Item").objects.create(
    dimension=Dimension.objects.create(plan=plan, name="基礎服務", points=200, position=1), name="服務友善", position=1)
apps.get_model("diagnosis", "MeasureDraft").objects.create(plan=plan, item=item, unit=root, name="舊草案", proposed_by=person)

call_command("migrate", verbosity=0)

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from diagnosis.models import Membership, Unit
from diagnosis.models import Plan as PlanNow
from measures.models import MeasureDraft
assert Unit.objects.get(code="old-station").parent.code == "old-root"
assert Membership.objects.get(user__username="old-head").unit.code == "old-root"
assert PlanNow.objects.get(year=106).organization.name == "舊機關"
assert MeasureDraft.objects.get().unit.code == "old-root"
assert Unit.history.get().name == "舊機關"
assert ContentType.objects.get_for_model(Unit).app_label == "diagnosis"
assert ContentType.objects.get_for_model(MeasureDraft).app_label == "measures"
assert not ContentType.objects.filter(app_label="measures", model__in=["unit", "membership"]).exists()
assert Permission.objects.filter(codename="change_unit", content_type__app_label="diagnosis").count() == 1
print("read after the move")
"""


def test_it_migrates_a_database_made_before_units_moved_without_copying_rows(tmp_path):
    """Unit and Membership moved from measures to diagnosis, MeasureDraft the other way: a database at the state
    before the move, with rows in every moved table (and the content types and permissions the old code made),
    migrates forward with the rows where they were (the tables keep their names), the content types following."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'before.sqlite3'}", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "sq_portal.settings"}
    done = subprocess.run([sys.executable, "-c", SCRIPT % (BEFORE_THE_MOVE,)], env=env, capture_output=True,
                          text=True, cwd=settings.BASE_DIR, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read after the move" in done.stdout


BEFORE_THE_LINKS_RULE = [("measures", "0005_report_first_sent_and_late")]

# As above: a database at the state before 主辦/協辦 were limited to the plan's organisation, with a 附表1 measure
# linking the bureau's units (its 承辦單位 typed), one with a blank 承辦單位 linking both the bureau's and the
# precinct's, a 附表2 measure linking the precinct's only, and the bureau's own plan linking its own units.
LINKS_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = %r
for app, name in BEFORE:
    call_command("migrate", app, name, verbosity=0)
apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
Unit = apps.get_model("diagnosis", "Unit")

def unit(code, name, kind, parent=None, short_name=""):
    made = Unit.objects.create(code=code, name=name, short_name=short_name, kind=kind, parent=parent, path="x", tree_order="x")
    made.path = (parent.path if parent else "/") + f"{made.pk}/"
    made.save()
    return made

bureau = unit("b", "警察局", "agency")
precinct = unit("p", "士林分局", "precinct", bureau)
command = unit("p-command", "勤務指揮中心", "office", precinct, short_name="勤指中心")
station = unit("p-station", "天母派出所", "station", precinct)
relations = unit("b-relations", "公關室", "office", bureau)
traffic = unit("b-traffic", "交通大隊", "brigade", bureau)

Plan = apps.get_model("diagnosis", "Plan")
Measure = apps.get_model("measures", "Measure")
Lead = apps.get_model("measures", "MeasureLeadUnit")
Support = apps.get_model("measures", "MeasureSupportUnit")

items = {}

def measure(plan, name, source, text, all_units, lead, support):
    if plan.pk not in items:
        dimension = apps.get_model("diagnosis", "Dimension").objects.create(plan=plan, name="基礎服務", points=200, position=1)
        items[plan.pk] = apps.get_model("diagnosis", "Item").objects.create(dimension=dimension, name="服務友善", position=1)
    made = Measure.objects.create(plan=plan, item=items[plan.pk], source=source, name=name, responsible_text=text,
                                  all_units=all_units)
    for u in lead:
        Lead.objects.create(measure=made, unit=u)
    for u in support:
        Support.objects.create(measure=made, unit=u)
    History = apps.get_model("measures", "HistoricalMeasure")  # its 「新增」 entry, as the old code wrote it
    entry = History.objects.create(history_date="2017-01-01T00:00:00Z", history_type="+", **{
        f.attname: getattr(made, f.attname) for f in History._meta.fields if not f.attname.startswith("history_")})
    for links, name in ((Lead, "HistoricalMeasureLeadUnit"), (Support, "HistoricalMeasureSupportUnit")):
        for link in links.objects.filter(measure=made):
            apps.get_model("measures", name).objects.create(history=entry, id=link.pk, measure_id=made.pk, unit_id=link.unit_id)

plan = Plan.objects.create(organization=precinct, year=106, title="分局計畫", start_date="2017-01-01", end_date="2017-12-31")
measure(plan, "局具體作法", "form1", "各分局、大隊、隊、公關室、交通大隊", True, [relations, traffic], [])
measure(plan, "未打承辦單位", "form1", "", True, [relations, command], [traffic])
measure(plan, "分局措施", "form2", "", True, [command], [station])
own = Plan.objects.create(organization=bureau, year=106, title="局計畫", start_date="2017-01-01", end_date="2017-12-31")
measure(own, "局自辦", "form2", "", False, [relations], [traffic])

call_command("migrate", verbosity=0)

from measures.models import Measure
from measures.measure_history import measure_history_entries

def state(name):
    m = Measure.objects.with_units().get(name=name)
    return m.responsible_text, [u.code for u in m.lead_units.all()], [u.code for u in m.support_units.all()], m.units_display()

assert state("局具體作法") == ("各分局、大隊、隊、公關室、交通大隊", [], [], "各分局、大隊、隊、公關室、交通大隊"), state("局具體作法")
printed = "各分局、大隊、隊、公關室、勤指中心、交通大隊"  # what the print composed from the links before
assert state("未打承辦單位") == (printed, ["p-command"], [], printed), state("未打承辦單位")
assert state("分局措施") == ("", ["p-command"], ["p-station"], "勤指中心、天母派出所、各單位"), state("分局措施")
assert state("局自辦") == ("", ["b-relations"], ["b-traffic"], "公關室、交通大隊"), state("局自辦")

changes = {c.field: (c.old, c.new) for c in measure_history_entries(Measure.objects.get(name="未打承辦單位"))[-1].changes}
assert changes == {
    "主辦單位": ("公關室、勤務指揮中心", "勤務指揮中心"), "協辦單位": ("交通大隊", "（無）"), "承辦單位（原文）": ("（空白）", printed),
}, changes
entry = Measure.history.filter(name="局具體作法").latest()
assert entry.history_type == "~" and entry.history_user is None and "局本部" in entry.history_change_reason
assert Measure.history.filter(name__in=["分局措施", "局自辦"], history_type="~").count() == 0
print("links inside the organisation")
"""


def test_it_keeps_only_the_links_inside_each_plans_organisation_and_prints_the_same(tmp_path):
    """0006: the links to units outside the plan's organisation go; a blank 承辦單位 first gets the text its links
    printed, so no table prints differently; each changed measure gets one history entry by 系統; a plan whose
    organisation is the bureau keeps its links to the bureau's units."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'before.sqlite3'}", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "sq_portal.settings"}
    done = subprocess.run([sys.executable, "-c", LINKS_SCRIPT % (BEFORE_THE_LINKS_RULE,)], env=env, capture_output=True,
                          text=True, cwd=settings.BASE_DIR, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "links inside the organisation" in done.stdout


@pytest.mark.django_db
def test_the_106_forms_print_the_same_before_and_after_the_links_rule(plan_106):
    """The 106 plan as the old loader left it (附表1 linking the bureau's 科、室 the fixture names, one with its 承辦單位
    blank so that it printed from them) prints 附表1 and 附表2, xlsx and ods, cell for cell the same after 0006."""
    rows = yaml.safe_load((settings.BASE_DIR / "fixtures" / "plan_106_shilin" / "form1.yaml").read_text(encoding="utf-8"))
    measures = {m.position: m for m in plan_106.measures.filter(source=Measure.Source.FORM1)}
    units = {u.code: u for u in Unit.objects.all()}
    for position, row in enumerate(rows["measures"], start=1):
        for links, codes in ((MeasureLeadUnit, row["lead_units"]), (MeasureSupportUnit, row["support_units"])):
            links.objects.bulk_create(links(measure=measures[position], unit=units[code]) for code in codes)
    traffic = plan_106.measures.filter(source=Measure.Source.FORM1, responsible_text="交通大隊").first()
    Measure.objects.filter(pk=traffic.pk).update(responsible_text="")
    assert MeasureLeadUnit.objects.filter(measure__plan=plan_106, unit__code="tcpd-public-relations").exists()

    def printed():
        return [
            (xlsx_values(xlsx_sheet(XlsxRenderer().render(exporter(plan_106)))), ods_grid(OdsRenderer().render(exporter(plan_106))))
            for exporter in (Form1Exporter, Form2Exporter)
        ]

    before = printed()
    migration = importlib.import_module("measures.migrations.0006_links_inside_organisation")
    state = MigrationExecutor(connection).loader.project_state(("measures", "0006_links_inside_organisation")).apps
    migration.links_inside_organisation(state, None)
    assert printed() == before
    assert not MeasureLeadUnit.objects.filter(measure__plan=plan_106).exclude(unit__path__startswith=plan_106.organization.path).exists()
    assert Measure.objects.get(pk=traffic.pk).responsible_text == "交通大隊"
    assert any("交通大隊" in str(row) for row in before[0][0])
