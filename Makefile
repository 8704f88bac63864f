# Two commands on a fresh machine with Python 3.11:
#   make run    creates .venv/, installs the pinned dependencies, runs the default pipeline
#   make test   creates .venv/, installs the pinned dependencies and test tools, runs the checks
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CORES ?= all

.PHONY: run test lint report clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements.lock
	$(BIN)/pip install --quiet --no-deps --editable .
	touch $@

$(BIN)/.test-installed: $(BIN)/.installed requirements-test.lock
	$(BIN)/pip install --quiet --requirement requirements-test.lock
	touch $@

run: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES)

lint: $(BIN)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

test: lint
	$(BIN)/pytest

report: $(BIN)/.installed
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

clean:
	rm -rf results .snakemake
