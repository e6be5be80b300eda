# The two set-up commands: `make demo` (scan the built-in sample account) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-shapes chromium lint typecheck pytest docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/auditor demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

# The browser tests' Chromium: found, or installed (apt-get as root or with passwordless sudo,
# else Playwright's download), before any test runs; one line saying what to install if not.
chromium: $(VENV)/.dev-installed
	$(BIN)/python -m tests.support.chromium

pytest: chromium
	$(BIN)/pytest -n 2 --dist loadfile

test: chromium lint typecheck pytest

# Nightly size: every collector fed 200 fresh answers drawn from botocore's output shapes.
test-shapes: $(VENV)/.dev-installed
	AUDITOR_SHAPED_EXAMPLES=200 $(BIN)/pytest -n 2 tests/collectors/test_shaped_answers.py

# docs/checks.md is generated from the checks' metadata; a test fails when it is stale.
docs: $(VENV)/.dev-installed
	$(BIN)/python -m auditor.catalog docs/checks.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache auditor-report.json auditor-report.html
