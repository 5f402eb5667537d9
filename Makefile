# The two commands of the contract: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run reset test test-sqlite test-postgres lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# The W3C Nu HTML Checker (tests/production/test_html_valid.py runs it with Java), from
# npm into the virtualenv; once per version. Its postinstall script is not needed.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/npm/node_modules/vnu-jar/build/dist/vnu.jar
$(VENV)/.installed-vnu-$(VNU_VERSION): | $(BIN)/python
	npm install --quiet --no-save --no-audit --no-fund --ignore-scripts \
	  --prefix $(VENV)/npm vnu-jar@$(VNU_VERSION)
	test -f $(VNU_JAR)
	touch $@

# gunicorn with gunicorn.conf.py, as in production (its access log hides reset and
# invitation tokens); development adds one worker and reloading on code changes. A job
# queue consumer (mail) runs beside it: Ctrl-C, or TERM to make, stops both. Not `exec`:
# the shell stays to wait for gunicorn and then to stop the consumer.
run: $(VENV)/.installed-run
	export COURSE_ENV=$${COURSE_ENV:-development}; \
	export COURSE_BASE_URL=$${COURSE_BASE_URL:-http://$(HOST):$(PORT)}; \
	export GUNICORN_BIND=$(HOST):$(PORT); \
	$(FLASK) db upgrade || exit 1; \
	if [ "$$COURSE_ENV" = development ]; then \
	  $(FLASK) demo --if-empty || exit 1; \
	  export GUNICORN_WORKERS=$${GUNICORN_WORKERS:-1}; RELOAD=--reload; \
	fi; \
	$(FLASK) jobs worker & consumer=$$!; \
	$(BIN)/gunicorn -c gunicorn.conf.py $$RELOAD wsgi:app & server=$$!; \
	stop() { trap - INT TERM EXIT; kill -TERM $$server; kill -INT $$consumer; wait $$server $$consumer; } 2>/dev/null; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap stop EXIT; \
	echo "Serving Clearing on http://$(HOST):$(PORT) ($$COURSE_ENV) with a job consumer"; \
	wait $$server

# Development only: remove the instance folder's SQLite database, job queue and outbox so
# the next `make run` starts empty and loads the demo afresh. Asks nothing; keeps the
# secret key unless RESET_SECRET_KEY=1. Refuses for any other COURSE_ENV, and for a
# database or environment set elsewhere (COURSE_DATABASE_URL, instance/config.py).
reset:
	@folder=$${COURSE_INSTANCE_PATH:-instance}; \
	if [ -n "$${COURSE_ENV:-}" ] && [ "$$COURSE_ENV" != development ]; then \
	  echo "make reset is for development only; COURSE_ENV is $$COURSE_ENV: nothing removed." >&2; exit 1; fi; \
	if [ -n "$${COURSE_DATABASE_URL:-}" ]; then \
	  echo "COURSE_DATABASE_URL is set: that database is not the instance folder's; nothing removed." >&2; exit 1; fi; \
	if grep -Eqs '^\s*COURSE_(ENV|DATABASE_URL)\b' "$$folder/config.py"; then \
	  echo "$$folder/config.py sets COURSE_ENV or COURSE_DATABASE_URL: reset it by hand; nothing removed." >&2; exit 1; fi; \
	removed=""; \
	for name in course.db course.db-wal course.db-shm course.db-journal jobs.db jobs.db-wal jobs.db-shm jobs.db-journal outbox; do \
	  if [ -e "$$folder/$$name" ]; then rm -rf -- "$$folder/$$name"; removed="$$removed $$name"; fi; done; \
	if [ "$${RESET_SECRET_KEY:-}" = 1 ] && [ -e "$$folder/secret_key" ]; then \
	  rm -f -- "$$folder/secret_key"; removed="$$removed secret_key"; fi; \
	echo "Removed from $$folder:$${removed:- nothing (it was empty)}. The next make run loads the demo afresh."

# The whole suite on SQLite, then again on PostgreSQL when it answers (always under CI).
test: $(VENV)/.installed-test
	$(BIN)/ruff check course tests benchmarks wsgi.py
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$${CI:-}" = "true" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL:postgresql+psycopg://%=postgresql://%)', connect_timeout=2).close()" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL is not answering: skipped the PostgreSQL run (CI always runs it)."; fi

# Each pass runs in TEST_WORKERS processes (pytest-xdist; 1 runs serially). The SQLite
# pass keeps each test file in one worker (--dist loadfile): a browser module shares one
# live server. Each PostgreSQL worker creates and drops a database of its own.
TEST_WORKERS ?= 2

test-sqlite: $(VENV)/.installed-test $(VENV)/.installed-vnu-$(VNU_VERSION)
	VNU_JAR=$(abspath $(VNU_JAR)) $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

# Browser tests drive the UI and tests/production starts its own SQLite and PostgreSQL
# servers, so the PostgreSQL pass runs every test that goes through the database layer.
test-postgres: $(VENV)/.installed-test
	COURSE_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider \
	  -n $(TEST_WORKERS) --ignore=tests/e2e --ignore=tests/production

lint: $(VENV)/.installed-test
	$(BIN)/ruff check course tests benchmarks wsgi.py

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/content_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
