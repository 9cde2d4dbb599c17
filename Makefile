# Клиентоцентричность СЗН — the two commands of the README: `make run` (web server and background worker) and
# `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000
# two workers (pytest-xdist): the suite takes ~10 min on a 2-core machine instead of ~17 serially; PYTEST_ARGS=-n0
# runs it in one process
PYTEST_ARGS ?= -n 2
# make bench: the benchmark database (sqlite:////path or postgresql://…/name, (re)created), its scale, seconds per page
BENCH_DATABASE_URL ?= sqlite:////tmp/fedbench/federal.sqlite3
BENCH_SCALE ?= 0.1
BENCH_DURATION ?= 20
BENCH_ARGS ?=

.PHONY: run test install install-test browser lint clean bench wrk

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Нужен Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps "openbadges==1.1.2"
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[bench]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Debian's Chromium drives the browser tests (Playwright never downloads a browser of its own).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  echo "Устанавливаю chromium из пакетов Debian…"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null \
	    || echo "chromium не установлен: браузерные тесты будут пропущены"; \
	fi

# Debian's wrk is the load generator of benchmarks/load.py.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  echo "Устанавливаю wrk из пакетов Debian…"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

# The load test of docs/PERFORMANCE.md: a fresh data set (its «today» must be the app's), the recompute the pages
# read, then three references and seven pages under gunicorn, BENCH_DURATION seconds each (≈ 10 min at 0.1).
# PostgreSQL: make bench BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/federal_bench
bench: $(VENV)/.installed-bench wrk
	$(BIN)/python benchmarks/federal_data.py --target $(BENCH_DATABASE_URL) --scale $(BENCH_SCALE)
	$(BIN)/python benchmarks/federal_recompute.py --database-url $(BENCH_DATABASE_URL) --sample 1
	$(BIN)/python benchmarks/load.py --database-url $(BENCH_DATABASE_URL) --duration $(BENCH_DURATION) $(BENCH_ARGS)

run: install
	$(BIN)/flask static build
	$(BIN)/flask db upgrade
	$(BIN)/flask seed reference
	$(BIN)/flask seed course
	$(BIN)/flask seed demo --if-empty
	@# the background worker (recomputes after new data, periodic jobs) runs beside the web server and stops with it
	$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test lint
	$(BIN)/flask static build
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Static analysis is part of the test command: ruff clean, the import contracts of pyproject.toml (the layers of
# docs/ARCHITECTURE.md), bandit without medium or high findings.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit -q -c pyproject.toml -r training wsgi.py seeds -ll

clean:
	rm -rf $(VENV) .pytest_cache
