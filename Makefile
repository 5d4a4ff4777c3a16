# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Install, create the SQLite database, load the seed story, start the tracker.
run: install
	$(BIN)/tracker init
	$(BIN)/tracker seed
	$(BIN)/tracker run

## Install and run the whole test suite (PostgreSQL tests are required when CI=true).
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: install
	$(BIN)/tracker bench --quick

clean:
	rm -rf $(VENV) data test-output .pytest_cache
