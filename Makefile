# Entry points. Each creates .venv when missing and reinstalls only when pyproject.toml changed:
#   make demo   the core only (numpy, scipy, rich; no PyTorch), then the generate demo
#   make test   everything (.[dev]: every extra + pytest, ruff, mkdocs, ...), then the whole test suite
#   make lint   ruff format --check and ruff check (what CI and the pre-commit hooks run)
#   make docs   the manual as a site (mkdocs build --strict: a warning or a broken link fails)
#   make hooks  install the pre-commit hooks (.pre-commit-config.yaml) into .git/hooks
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs hooks

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Core and dev installs have separate stamps: `make demo` never pulls an extra, `make test` always has all.
$(VENV)/.stamp-core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.stamp-core

demo: $(VENV)/.stamp-core
	$(BIN)/codesearch generate --classes 100 --ratio 1/4

test: $(VENV)/.stamp-dev
	$(BIN)/python -m pytest -q

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

docs: $(VENV)/.stamp-dev
	@test -f mkdocs.yml || { echo "make docs: no mkdocs.yml in $(CURDIR)" >&2; exit 1; }
	$(BIN)/mkdocs build --strict

hooks: $(VENV)/.stamp-dev
	$(BIN)/pre-commit install
