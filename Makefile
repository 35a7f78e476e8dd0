# The README's two commands: `make run` and `make test`. Needs only Python 3.11 and the package registries.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate lint clean loadtest

# A virtualenv with the project and its test dependencies; re-installed when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $@

setup: $(VENV)/.installed

migrate: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

# The background worker (django-tasks' database backend: the binder) runs beside the server and stops with it.
run: migrate
	DEBUG=1 $(BIN)/python manage.py setup_demo
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# PYTEST_ARGS passes options through, e.g. `make test PYTEST_ARGS="-k fixtures -x"`. The suite runs in one
# pytest-xdist worker per core (each with its own test database); `make test PYTEST_WORKERS=0` runs it in one process.
# xdist's default --dist load hands each worker its tests in pytest-django's order, so the tests that flush the
# database (transactional, browser) run after every test that needs the plan loaded once per session; --dist
# worksteal does not keep that order (on PostgreSQL, 170 tests then found no plan).
PYTEST_WORKERS ?= auto
test: setup
	DEBUG=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# 50 signed-in users for 60 s against gunicorn (2 workers, DEBUG off) on DATABASE_URL, which must hold
# `generate_scale_data --organizations 300 --years 10 --scoring-round` (LOAD_BUREAU_USERS of the users read the
# bureau's pages; without --scoring-round they read only 各機關進度比較); see docs/performance.md.
loadtest: setup
	$(BIN)/python -m pip install --quiet -e '.[test,dev,load]'
	perf/loadtest/run.sh $(LOAD_USERS) $(LOAD_SECONDS)

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache .hypothesis
