# Famnen: `make run` for a local demo, `make test` for the whole suite.
# Everything is installed into .venv and node_modules inside this folder.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve install install-dev install-production system-deps system-deps-test translations compile-translations \
        db lint test test-postgres test-timeshift bench-http bench-chat fuzz clean

run: install compile-translations
	@mkdir -p instance
	FAMNEN_ENV_NAME=development $(FLASK) db upgrade
	FAMNEN_ENV_NAME=development $(FLASK) seed-demo --first-time-only
	@echo ""
	@echo "Famnen is running at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@echo ""
	FAMNEN_ENV_NAME=development $(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) "app:create_app()"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment: install python3-venv (apt-get install python3-venv)."; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip

# Stamps make re-runs fast: packages are reinstalled only when the pins change.
.stamp-requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

.stamp-requirements-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ .stamp-requirements

# npm's install scripts are skipped: vnu-jar's would download a Java runtime,
# and this machine uses Debian's.
.stamp-npm: package.json package-lock.json
	@command -v npm >/dev/null || { bash scripts/system-deps.sh run; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/htmx.min.js: .stamp-npm
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

install: system-deps .stamp-requirements static/vendor/htmx.min.js

install-dev: system-deps-test .stamp-requirements-dev static/vendor/htmx.min.js

# A production server (docs/deployment.md): the pinned runtime packages only, no test
# tools (npm's devDependencies are left out), translations compiled and Python's
# bytecode written now, as the service cannot write into the code folder.
install-production: system-deps .stamp-requirements compile-translations
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p static/vendor instance
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	$(BIN)/python -m compileall -q app.py config.py extensions.py core blueprints migrations

system-deps:
	@bash scripts/system-deps.sh run

system-deps-test:
	@bash scripts/system-deps.sh test

# Extract messages from the code and templates and update the catalogs.
translations: .stamp-requirements
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext \
	  --ignore-dirs=".venv node_modules tests migrations bench" -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

compile-translations: .stamp-requirements
	$(BIN)/pybabel compile -d translations >/dev/null

# Ruff (pyproject.toml) first: a lint or formatting slip fails in seconds, not after the suite.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite without the browser at moments that catch assumptions about the date and hour
# (UTC; the clock then runs on): just before summer time begins and ends in Helsinki, and
# 23:59:30 on a Sunday, Finland's Independence Day. Needs faketime (apt-get install faketime).
# libfaketime 0.9.10 fakes the monotonic clock too, so a timed wait that nobody ends
# (Python's Event.wait(0.01)) waits for months: tests poll with time.sleep. Keeping the
# monotonic clock real instead (FAKETIME_DONT_FAKE_MONOTONIC=1) makes time.sleep fail.
TIMESHIFT_MOMENTS ?= 2027-03-28_00:59:30 2026-10-25_00:59:30 2026-12-06_21:59:30
test-timeshift: install-dev compile-translations
	@command -v faketime >/dev/null || { echo "test-timeshift needs faketime: apt-get install faketime"; exit 1; }
	@for moment in $(TIMESHIFT_MOMENTS); do \
	  echo "== the suite at $$moment UTC"; \
	  TZ=UTC faketime "$$(echo $$moment | tr _ ' ')" \
	    $(BIN)/python -m pytest -m "not browser" -q -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

# The database-touching tests again, against a throw-away PostgreSQL cluster.
test-postgres: install-dev compile-translations
	bash scripts/test-postgres.sh $(PYTEST_ARGS)

# Live chat delivery through the production gunicorn configuration (docs/benchmarks.md).
bench-chat: install-dev compile-translations
	$(BIN)/python bench/chat.py

# Public pages under load, against a hello-world Flask app (docs/benchmarks.md).
bench-http: install compile-translations
	@bash scripts/system-deps.sh bench
	$(BIN)/python bench/pages.py

# A long fuzz run over every route (bench/fuzz.py); FUZZ_EXAMPLES and FUZZ_SEED tune it.
fuzz: install-dev compile-translations
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) node_modules static/vendor .stamp-* .pytest_cache
