# Quick start: `make run` (workbench with the demo bank) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-fast lint bench setup clean

# uv is installed into the project's own virtual environment when it is missing.
$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact
	@touch $@

setup: $(VENV)/.synced

# A developer's data (database) stays in the checkout's var/; installed, the default is ~/.local/share.
run: setup
	COMPUTECREDIT_DATA_DIR=$${COMPUTECREDIT_DATA_DIR:-$(CURDIR)/var} $(VENV)/bin/computecredit serve --demo --host $(HOST) --port $(PORT)

test: setup
	@bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy src

bench: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
