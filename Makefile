# ukg-aid — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# The console's browser tests drive Debian's Chromium (Playwright's own browser download does
# not work offline); the IPA Gothic font lets screenshots show Japanese.
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-ipafont-gothic

.PHONY: run test lint fmt bench fuzz drill-docs install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## install the service and dev tools into .venv

$(CHROMIUM):
	apt-get install -y -q $(BROWSER_PACKAGES) || (apt-get update -q && apt-get install -y -q $(BROWSER_PACKAGES))

run: $(STAMP)  ## migrate, seed and serve on 127.0.0.1:$(PORT) (SQLite by default)
	$(BIN)/ukg-aid db upgrade
	$(BIN)/ukg-aid seed
	$(BIN)/ukg-aid serve --host 127.0.0.1 --port $(PORT)

test: $(STAMP) $(CHROMIUM)  ## the whole suite on PostgreSQL (+ SQLite smoke set, browser tests), then lint
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory lint

lint: $(STAMP)  ## ruff (lint + format check) and mypy --strict
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests bench migrations
	$(BIN)/ruff format src tests bench migrations

bench: $(STAMP)  ## benchmarks against baselines measured in the same run
	$(BIN)/python bench/haul_sparse.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/medevac.py

drill-docs: $(STAMP)  ## run the four drills (seed 1, several minutes) and regenerate docs/drills.md figures
	$(BIN)/python bench/drill_figures.py

fuzz: $(STAMP)  ## schemathesis against the OpenAPI spec (long)
	$(BIN)/pip install --quiet -e '.[dev,fuzz]'
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
