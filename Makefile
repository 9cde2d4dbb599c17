# Клиентоцентричность СЗН — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install install-test browser lint clean

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

run: install
	$(BIN)/flask static build
	$(BIN)/flask db upgrade
	$(BIN)/flask seed reference
	$(BIN)/flask seed course
	$(BIN)/flask seed demo --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test lint
	$(BIN)/flask static build
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Static analysis is part of the test command: ruff clean, bandit without medium or high findings.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r training wsgi.py seeds -ll

clean:
	rm -rf $(VENV) .pytest_cache
