"""Production settings, the Content-Security-Policy, sessions, sign-in records and a database outage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from diagnosis.demo_accounts import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_in_production(tmp_path):
    # As a server would run: without the test run's own variables (the browser tests allow async-unsafe calls).
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="0", SECRET_KEY="k" * 30 + "A9-_z" * 10, ALLOWED_HOSTS="sq.example.tw", SQ_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/", "/plans/106/", "/plans/106/dashboard/", "/plans/106/reviews/", "/admin/", "/no-such-page/"]
)
def test_every_page_has_a_strict_csp(client, user, url):
    client.force_login(user("admin"))
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_carries_an_inline_script_or_style(client, user):
    client.force_login(user("secretariat"))
    for url in ["/", "/plans/106/", "/units/shilin-tianmu/", "/plans/106/reviews/", "/plans/106/import/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and " style=" not in html and "onclick" not in html, url


def test_sessions_end_after_30_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_RENEW_SECONDS == 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert "sq_portal.session_renewal.SessionRenewalMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_session_in_use_is_renewed_at_most_once_a_minute_and_ends_when_idle(client, user):
    from datetime import timedelta

    import time_machine
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from sq_portal import session_renewal

    signed_in_at = session_renewal.now()
    with time_machine.travel(signed_in_at, tick=False) as clock:
        client.force_login(user("viewer"))
        key = client.session.session_key
        ends = Session.objects.get(pk=key).expire_date
        assert timedelta(minutes=29) < ends - timezone.now() <= timedelta(minutes=30)
        clock.shift(59)
        assert client.get("/plans/106/").status_code == 200
        assert Session.objects.get(pk=key).expire_date == ends  # used within the minute: not written
        clock.shift(2)
        assert client.get("/plans/106/").status_code == 200
        renewed = Session.objects.get(pk=key).expire_date
        assert renewed > ends and client.session[session_renewal.RENEWED_AT] == signed_in_at + 61
        # Idle past its end: the next request is sent to sign in, and the session is gone.
        Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
        response = client.get("/plans/106/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions(client, user):
    from django.test import Client

    other = Client()
    assert other.post(reverse("login"), {"username": "viewer", "password": DEMO_PASSWORD}).status_code == 302
    assert other.get("/plans/106/").status_code == 200
    person = user("viewer")
    person.set_password("a-New-Pass-2026")
    person.save()
    assert other.get("/plans/106/").status_code == 302  # sent to sign in again


@pytest.mark.django_db
def test_sign_ins_are_recorded(client):
    from axes.models import AccessFailureLog, AccessLog

    client.post(reverse("login"), {"username": "tianmu", "password": "wrong"})
    client.post(reverse("login"), {"username": "tianmu", "password": DEMO_PASSWORD})
    assert AccessLog.objects.filter(username="tianmu").exists()
    assert AccessFailureLog.objects.filter(username="tianmu").count() == 1


def test_password_validators_are_on(settings):
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator",
    ]


@pytest.mark.django_db
def test_an_unreachable_database_is_a_chinese_503_and_recovers(user, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.test import Client

    client = Client(raise_request_exception=False)  # as in production: the error page, not the exception
    client.force_login(user("viewer"))
    original = BaseDatabaseWrapper.ensure_connection

    def unreachable(self):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    response = client.get("/plans/106/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "資料庫暫時無法連線，您的資料沒有遺失" in response.content.decode()
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", original)
    assert client.get("/plans/106/").status_code == 200


@pytest.mark.django_db
def test_other_server_errors_are_the_chinese_500_page(user, monkeypatch):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user("viewer"))
    monkeypatch.setattr("measures.views.plans.tree_measures", lambda *a: 1 / 0)
    response = client.get("/plans/106/")
    assert response.status_code == 500 and "系統發生錯誤" in response.content.decode()
