# Neighbors: `make run` to try it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app neighbors
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := neighbors/translations neighbors/kitchen/translations neighbors/mutualaid/translations \
            neighbors/alleys/translations neighbors/staff/translations \
            neighbors/visits/translations neighbors/registers/translations neighbors/open311/translations \
            neighbors/assessment/translations

.PHONY: setup run serve test test-postgres screenshots bench translations clean

setup: $(VENV)/.installed static/vendor/htmx.min.js compile-translations chromium

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

.PHONY: compile-translations chromium wrk stack-packages stack stack-stop stack-test rush
# Each catalogue is compiled when its .po is newer than its .mo (two runs at once never rewrite one under the other).
MO_FILES = $(patsubst %.po,%.mo,$(wildcard $(addsuffix /*/LC_MESSAGES/messages.po,$(CATALOGS))))
compile-translations: $(MO_FILES)

%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -i $< -o $@

# The browser tests drive Debian's Chromium; install it when it is missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The benchmarks' load generator is Debian's wrk; install it when it is missing (needs root or sudo).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The production stack's programs are Debian's nginx and PgBouncer; install them when missing (needs root or sudo).
stack-packages:
	@command -v nginx >/dev/null 2>&1 && command -v pgbouncer >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light pgbouncer >/dev/null; }

# The production stack on this machine (deploy/stack.sh, README "Running in production"): nginx with TLS on
# https://localhost:8443, two gunicorn app servers, PgBouncer, PostgreSQL's neighbors_stack, Redis. Runs in
# the background until `make stack-stop`; everything it writes is in .stack/run.
stack: setup stack-packages
	deploy/stack.sh start

stack-stop:
	deploy/stack.sh stop

# The stack's own test (tests/stack): a journey over HTTPS, an app server killed mid-burst, rate limits per client.
# It starts its own stack on free ports in .stack/test with the database neighbors_stack_test.
stack-test: setup stack-packages
	$(BIN)/pytest tests/stack --stack -q

# Throughput, latency, statements, page weight and growth on PostgreSQL (creates the neighbors_bench database;
# the district data is built once, in minutes). BENCH_SCALES=small for a quick run; BENCH_SECONDS per page.
BENCH_SCALES ?= small,district
BENCH_SECONDS ?= 15
bench: setup wrk
	$(BIN)/python -m bench.run --scales $(BENCH_SCALES) --duration $(BENCH_SECONDS)

# The lunch rush of the whole district through the production stack (bench/rush: Locust, headless) and each page's
# share of /healthz, in one run of about 10 minutes; figures in bench/results/rush.md (README, Performance).
rush: setup wrk stack-packages
	$(BIN)/python -m bench.rush.run

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@$(FLASK) demo-logins
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops the server and the scheduler)"
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) deploy/run-dev.sh

test: setup
	$(BIN)/pytest

test-postgres: setup
	NEIGHBORS_TEST_DATABASE_URL=$${NEIGHBORS_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

# Every journey step, plus every page of the demo site in standard and elder mode (NEIGHBORS_SCREENSHOTS=all).
screenshots: setup
	rm -rf tests/browser/screenshots
	NEIGHBORS_SCREENSHOTS=all $(BIN)/pytest tests/browser -q
	@echo "Screenshots in tests/browser/screenshots/"

# Extract messages of each catalogue into its .po files (developers run this after changing strings).
translations: $(VENV)/.installed
	$(BIN)/python -m neighbors.i18n_catalogs update

clean:
	rm -rf $(VENV) node_modules static/vendor
