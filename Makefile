# `make run` and `make test` are the whole set-up: each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format screenshot bench bench-100k bench-tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/papers

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict reader tests benchmarks

test: lint
	$(BIN)/pytest

# The README's screenshot is the main screen's snapshot (tests/tui/test_snapshots.py).
screenshot: $(STAMP)
	$(BIN)/pytest -q tests/tui/test_snapshots.py -k main-160x48 --snapshot-update
	cp "tests/tui/__snapshots__/test_snapshots/test_screen[main-160x48].svg" docs/screenshot.svg

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Issue 11's targets, each next to its baseline from the same run (docs/benchmarks.md).
# The corpus is generated from sample_dumps/ and cached (PAPERS_BENCH_CACHE).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.targets --papers 10000

bench-100k: $(STAMP)
	$(BIN)/python -m benchmarks.targets --papers 100000

# The measurements behind issue 11's choices, one script each (docs/benchmarks.md).
bench-tools: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.builds --papers 100000
	$(BIN)/python -m benchmarks.vocabulary --papers 100000
	$(BIN)/python -m benchmarks.phrases --papers 100000
	$(BIN)/python -m benchmarks.search_limits --papers 100000
	$(BIN)/python -m benchmarks.id_map --papers 100000
	$(BIN)/python -m benchmarks.forks --papers 10000

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
