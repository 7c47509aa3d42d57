# Stackwork: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEMO_PASSWORD ?= stackwork-demo

.PHONY: help setup run test bench lint messages clean

help:
	@echo "make run    set up .venv, migrate the SQLite database, load the demo, serve http://127.0.0.1:$(PORT)"
	@echo "make test   set up .venv and run the whole test suite"
	@echo "make bench  run the benchmarks"

# A Python >= 3.12: $(PYTHON) if given, else pyenv's (.python-version), else python3.13/3.12/python3.
$(VENV)/.installed: pyproject.toml
	@set -e; \
	for candidate in "$(PYTHON)" "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
	  [ -n "$$candidate" ] || continue; \
	  command -v "$$candidate" >/dev/null 2>&1 || continue; \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found="$$candidate"; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "ERROR: no Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.13') or run 'make PYTHON=/path/to/python3.13 ...'." >&2; \
	  exit 1; \
	fi; \
	echo "==> Using $$("$$found" --version) at $$(command -v "$$found")"; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "==> Creating $(VENV)"; rm -rf $(VENV); "$$found" -m venv $(VENV); \
	fi; \
	echo "==> Installing Stackwork and its test tools into $(VENV)"; \
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip; \
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'; \
	touch $@

setup: $(VENV)/.installed

run: setup
	@echo "==> Migrating the database"
	DEBUG=1 $(PY) manage.py migrate --no-input
	@echo "==> Loading the demo data (once)"
	DEBUG=1 $(PY) manage.py load_demo
	@echo "==> Demo accounts: ambtenaar, bestuurder, bestuurder2..bestuurder5, coordinator; password: $(DEMO_PASSWORD)"
	@echo "==> Starting the task worker (reminders, e-mail, session deadlines) beside the server"
	DEBUG=1 $(PY) manage.py send_reminders --schedule
	@echo "==> Serving http://127.0.0.1:$(PORT)/  (Ctrl+C stops both)"
	@DEBUG=1 $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on $(TEST_WORKERS) processes (pytest-xdist); the tests that
# restart PostgreSQL run alone afterwards. Exit code 5 means "none selected".
TEST_WORKERS ?= auto
test: setup
	@echo "==> Running the test suite on $${DATABASE_URL:-SQLite} ($(TEST_WORKERS) workers)"
	DEBUG=1 $(PY) -m pytest -n $(TEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	@echo "==> Running the tests that restart services, one at a time"
	DEBUG=1 $(PY) -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: setup
	@command -v wrk >/dev/null 2>&1 || { echo "==> Installing wrk (load generator)"; \
	  (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)) \
	  || { echo "ERROR: wrk is needed for the load benchmark (apt-get install wrk)" >&2; exit 1; }; }
	@echo "==> Running the benchmarks (PostgreSQL at 127.0.0.1:5432 for the load part)"
	$(PY) -m bench $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

messages: setup
	DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete --no-location --ignore='.venv/*' --ignore='staticfiles/*' --ignore='tests/*'
	DEBUG=1 $(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
