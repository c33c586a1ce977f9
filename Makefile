# Two entry points: `make demo` (the main job) and `make test` (the whole suite).
# Both create .venv when missing and reinstall only when pyproject.toml changed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.stamp-run

demo: $(VENV)/.stamp-run
	$(BIN)/codesearch generate --classes 100 --ratio 1/4

test: $(VENV)/.stamp-dev
	$(BIN)/python -m pytest -q
