"""Shared test fixtures: the 106 plan and the demo accounts are loaded once per test database.

Each test runs in a transaction that is rolled back, so tests may change the plan freely."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from diagnosis.models import Plan
from measures.demo_accounts import demo_accounts_create
from measures.models import Membership, Unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))
        demo_accounts_create()


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
    other = Unit.objects.create(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.PRECINCT, parent=bureau)
    station = Unit.objects.create(code="beitou-xinbeitou", name="新北投派出所", kind=Unit.Kind.STATION, parent=other)
    person = get_user_model().objects.create_user("outsider", password="x-unused-9")
    Membership.objects.create(user=person, unit=station, role=Membership.Role.HEAD)
    return person


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']} ({settings.DATABASES['default'].get('HOST') or 'local file'})"
