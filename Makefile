# Integration Blueprint: `make run` sets up and serves the app with demo data,
# `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format bench load demo migrate e2e browser coverage

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_load

# The web server and, beside it, the worker that renders PDFs in the background (one
# Ctrl+C stops both).
run: demo
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests need a Chromium: the system's, else one Playwright installs. Where
# neither can be had, the tests are skipped and the run says so in its last lines.
browser: install
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium) >/dev/null 2>&1 || \
			echo "apt-get could not install Chromium."; \
	fi; \
	if [ ! -x /usr/bin/chromium ] && [ -z "$$BLUEPRINT_CHROMIUM" ]; then \
		timeout 300 $(VENV)/bin/playwright install chromium >/dev/null 2>&1 || \
			echo "Playwright could not download Chromium either."; \
	fi

test: install browser
	$(PY) -m pytest

coverage: install browser
	$(PY) -m coverage run -m pytest
	$(PY) -m coverage report

test-fast: install
	$(PY) -m pytest -m "not e2e"

e2e: install
	$(PY) -m pytest -m e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmark, then the load run on the configured database and (when that is SQLite)
# on a throwaway PostgreSQL that syncs as production does (.ci/with-postgres; skipped,
# and said so, on a machine without a PostgreSQL server). Each runs whatever the others
# say; the target fails if any is over budget.
bench: migrate
	$(PY) manage.py bench; status=$$?; \
	$(PY) manage.py loadrun || status=1; \
	if [ -z "$$DATABASE_URL" ]; then \
		PG_OPTIONS= .ci/with-postgres sh -c '$(PY) manage.py migrate -v 0 && $(PY) manage.py loadrun'; \
		pg=$$?; \
		if [ $$pg -eq 3 ]; then echo "PostgreSQL load run: SKIPPED (no PostgreSQL server here)"; \
		elif [ $$pg -ne 0 ]; then status=1; fi; \
	fi; \
	exit $$status

load: migrate
	$(PY) manage.py loadrun --saves 0
