# ukg-aid — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The versions the suite last passed with; every install below is held to them. Bytecode is
# compiled on first import (only what is used) rather than for every installed file.
CONSTRAINTS := requirements/constraints.txt
PIP_INSTALL := $(BIN)/pip install --quiet --no-compile -c $(CONSTRAINTS)
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# The console's browser tests drive Debian's Chromium (Playwright's own browser download does
# not work offline); the IPA Gothic font lets screenshots show Japanese.
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-ipafont-gothic
# The PgBouncer-mode test (tests/reliability/test_pgbouncer.py) runs Debian's pgbouncer.
PGBOUNCER ?= /usr/sbin/pgbouncer

# `make test` runs the suite on TEST_WORKERS pytest-xdist workers (2 cores here; README "Tests"):
# each worker makes its own databases, and a test file runs whole on one worker, so module
# fixtures (a console server, a committed database) are built once. TEST_WORKERS=0: one process,
# as with UKG_AID_TEST_DATABASE_URL (a single database cannot be shared by workers).
TEST_WORKERS ?= $(if $(UKG_AID_TEST_DATABASE_URL),0,2)

.PHONY: run test lint fmt bench fuzz drill-docs install constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP_INSTALL) -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(PIP_INSTALL) -e '.[dev]'
	touch $(DEV_STAMP)

$(CHROMIUM):
	apt-get install -y -q $(BROWSER_PACKAGES) || (apt-get update -q && apt-get install -y -q $(BROWSER_PACKAGES))

$(PGBOUNCER):
	apt-get install -y -q pgbouncer || (apt-get update -q && apt-get install -y -q pgbouncer)

install: $(DEV_STAMP)  ## install the service and dev tools into .venv

run: $(RUN_STAMP)  ## migrate, seed and serve on 127.0.0.1:$(PORT) (SQLite by default; no dev tools)
	$(BIN)/ukg-aid db upgrade
	$(BIN)/ukg-aid seed
	$(BIN)/ukg-aid serve --host 127.0.0.1 --port $(PORT)

test: $(DEV_STAMP) $(CHROMIUM) $(PGBOUNCER)  ## the whole suite on PostgreSQL (+ SQLite smoke set, browser tests), then lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile
	$(MAKE) --no-print-directory lint

lint: $(DEV_STAMP)  ## ruff, mypy --strict, the import contracts (pyproject) and the size limits (tools/sizes.py)
	$(BIN)/ruff check src tests bench migrations tools
	$(BIN)/ruff format --check src tests bench migrations tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python tools/sizes.py

fmt: $(DEV_STAMP)
	$(BIN)/ruff check --fix src tests bench migrations
	$(BIN)/ruff format src tests bench migrations

bench: $(DEV_STAMP)  ## benchmarks against baselines measured in the same run (API part needs wrk)
	$(BIN)/python -m bench.haul_sparse
	$(BIN)/python -m bench.plan
	$(BIN)/python -m bench.medevac
	$(BIN)/python -m bench.logistics
	$(BIN)/python -m bench.loop_lag --scale national --rounds 1
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.lb

drill-docs: $(DEV_STAMP)  ## run the four drills (seed 1, several minutes) and regenerate docs/drills.md figures
	$(BIN)/python -m bench.drill_figures

fuzz: $(DEV_STAMP)  ## schemathesis against the OpenAPI spec (long)
	$(PIP_INSTALL) -e '.[dev,fuzz]'
	$(BIN)/python -m bench.fuzz

constraints: $(DEV_STAMP)  ## after the suite passed with new versions: pin them (see README)
	$(PIP_INSTALL) -e '.[dev,fuzz]'
	@{ echo "# Versions make test last passed with: make run / make test / make fuzz install"; \
	   echo "# only these. Regenerate with 'make constraints' (README: Dependencies)."; \
	   $(BIN)/pip freeze --exclude-editable | grep -v '^ukg-aid' | sort -f; } > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
