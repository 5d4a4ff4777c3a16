# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode run test test-fast check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## The tracker's own modules byte-compiled ahead (pip does it for installed
## packages; with PYTHONDONTWRITEBYTECODE set every `tracker` command and
## parse process would compile them again at start-up). Stale files only.
bytecode: install
	$(BIN)/python -m compileall -q tracker web > /dev/null

## Install, create the SQLite database, load the seed story, start the tracker.
run: bytecode
	$(BIN)/tracker init
	$(BIN)/tracker seed
	$(BIN)/tracker run

## Install and run the whole test suite (PostgreSQL tests are required when CI=true).
test: bytecode
	$(BIN)/python -m pytest -n 2 --dist loadfile

## Lint, format and type checks (ruff and mypy, configured in pyproject.toml).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: bytecode
	$(BIN)/tracker bench --quick

clean:
	rm -rf $(VENV) data test-output .pytest_cache
