"""Shared test fixtures: the 106 plan and the demo accounts are loaded once per test database.

Each test runs in a transaction that is rolled back, so tests may change the plan freely.

The 106 plan's year closed long ago (結算日 107/01/31): the tests keep it open (`OPEN_UNTIL`) so that they
can report, review and withdraw on the seed's own measures today; tests/test_closing.py closes it again."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnosis.demo_accounts import demo_accounts_create
from diagnosis.models import Membership, Plan, Unit
from diagnosis.unit_tree import unit_save

# Tests sign in and create users by the hundred: the production hasher (PBKDF2, ~0.24 s a password) would
# cost minutes. Production keeps Django's default hashers.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


OPEN_UNTIL = date(2999, 12, 31)


@pytest.fixture(scope="session")
def django_db_setup(_fast_password_hasher, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))
        Plan.objects.filter(year=106).update(closing_date=OPEN_UNTIL)
        demo_accounts_create()


# Helpers the test modules share (`from .conftest import unit, url`).
def unit(code: str) -> Unit:
    """A unit by its code: unit("shilin-tianmu")."""
    return Unit.objects.get(code=code)


def shilin_unit(code: str) -> Unit:
    """A unit of 士林分局 by the code under it: shilin_unit("tianmu") is 天母派出所."""
    return unit(f"shilin-{code}")


def url(name: str, obj=None, **kwargs) -> str:
    """An assessments page of the 106 plan, for obj when given: url("surveys"), url("survey_edit", survey)."""
    if obj is not None:
        kwargs["pk"] = obj.pk
    return reverse(f"assessments:{name}", kwargs={"year": 106, **kwargs})


def copy_measures(plan, copies: int = 9) -> list[tuple]:
    """`copies` more of each of the plan's measures (each copy's position 1000 further on), written in bulk, without
    their units or history: the data of the "same queries with ten times the data" tests. [(copy, original), …]"""
    from measures.models import Measure

    originals = list(plan.measures.prefetch_related("lead_units", "support_units"))
    pairs = [
        (Measure(**{**{f.attname: getattr(m, f.attname) for f in Measure._meta.concrete_fields if not f.primary_key},
                    "position": m.position + 1000 * (n + 1)}), m)
        for n in range(copies)
        for m in originals
    ]
    Measure.objects.bulk_create([copy for copy, _ in pairs])
    return pairs


@pytest.fixture
def tianmu(db) -> Unit:
    """天母派出所, the demo unit head tianmu's unit."""
    return unit("shilin-tianmu")


@pytest.fixture
def plan_106(db) -> Plan:
    return Plan.objects.get(organization__code="tcpd-shilin", year=106)


@pytest.fixture
def user(db):
    """Look up a demo account by username."""
    User = get_user_model()
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def outsider(db):
    """The head of a unit in another precinct: may see nothing of 士林分局."""
    bureau = Unit.objects.get(code="tcpd")
    other = unit_save(Unit(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.PRECINCT, parent=bureau))
    station = unit_save(Unit(code="beitou-xinbeitou", name="新北投派出所", kind=Unit.Kind.STATION, parent=other))
    person = get_user_model().objects.create_user("outsider", password="x-unused-9")
    Membership.objects.create(user=person, unit=station, role=Membership.Role.HEAD)
    return person


@pytest.fixture
def bureau(db, user):
    """The bureau's 研考承辦 (and its 檢視者 `bureau-viewer`) at 臺北市政府警察局, above 士林分局."""
    from diagnosis.demo_accounts import BUREAU_ACCOUNTS

    demo_accounts_create(BUREAU_ACCOUNTS)
    return user("bureau")


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']} ({settings.DATABASES['default'].get('HOST') or 'local file'})"


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf_file():
    """A small real PDF as a browser would upload it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda name="執行成果.pdf", data=PDF_BYTES: SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def evidence_dir(settings, tmp_path):
    """Evidence files of this test go to a temporary folder (Django drops the storages it built when STORAGES
    changes, and the evidence field asks for its storage on each use)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence", "base_url": None},
        },
    }
    return tmp_path / "evidence"


def count_queries(call) -> int:
    """How many queries `call()` runs: the query-count tests compare it before and after ten times the data
    (a page's cost must not grow with the data), never with a pinned number."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)
