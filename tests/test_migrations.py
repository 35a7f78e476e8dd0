"""The migrations describe the models: a model change without its migration fails here, not in production."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command


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
