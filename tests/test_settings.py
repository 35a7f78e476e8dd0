"""Settings come from the environment; production refuses to start without its own SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update({"SQ_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_without_secret_key_in_production(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DEBUG="0")
    assert result.returncode == 1
    assert "未設定 SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_it_starts_in_production_with_a_secret_key(tmp_path):
    result = run_manage(
        "check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY="k3y-" + "abcdefghij" * 5, ALLOWED_HOSTS="sq.example.tw"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", [
    "change-me-to-a-long-random-string",  # the value .env.example shows
    "x" * 60,  # fewer than 5 different characters
    "Ab3-" * 10,  # 40 characters
    "django-insecure-" + "abcdefghij" * 5,  # Django's generated development key
])
def test_it_refuses_to_start_in_production_with_a_weak_or_placeholder_key(tmp_path, key):
    result = run_manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="sq.example.tw")
    assert result.returncode == 1
    assert "SECRET_KEY 不夠安全" in result.stderr and "secrets.token_urlsafe(50)" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_generates_a_local_key_once_under_debug(tmp_path):
    assert run_manage("check", tmp_path=tmp_path, DEBUG="1").returncode == 0
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert run_manage("check", tmp_path=tmp_path, DEBUG="1").returncode == 0
    assert key_file.read_text() == first


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://sq:pw@127.0.0.1:5432/sq_portal", "django.db.backends.postgresql"),
    ],
)
def test_it_reads_the_database_from_database_url(tmp_path, url, engine):
    code = "from django.conf import settings as s; d=s.DATABASES['default']; print(d['ENGINE']); print(d['NAME'])"
    env = {"DEBUG": "1"}
    if url:
        env["DATABASE_URL"] = url
    result = run_manage("shell", "-c", code, tmp_path=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    printed_engine, name = result.stdout.strip().splitlines()[-2:]
    assert printed_engine == engine
    if not url:
        assert name == str(tmp_path / "var" / "db.sqlite3")


@pytest.mark.parametrize(("cost", "expected"), [(None, "-c random_page_cost=1.1"), ("2", "-c random_page_cost=2"), ("0", "None")])
def test_postgresql_is_told_its_pages_are_cheap_to_read_at_random(tmp_path, cost, expected):
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://sq:pw@127.0.0.1:5432/sq_portal"}
    if cost is not None:
        env["PG_RANDOM_PAGE_COST"] = cost
    result = run_manage("shell", "-c", code, tmp_path=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.django_db
def test_the_postgresql_connection_uses_the_random_page_cost(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_it_is_in_traditional_chinese_and_taipei_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hant"
    assert settings.TIME_ZONE == "Asia/Taipei"
    assert settings.USE_TZ is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
