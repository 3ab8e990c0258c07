# make setup  — virtual environment (.venv) with the project and its tools, npm ci
# make test   — everything: lint (ruff, mypy, Biome), site build, every test
# make serve  — build the site and serve it on http://127.0.0.1:8000
# make bench  — benchmarks (prints figures; not a test)

PYTHON ?= $(shell .ci/find-python)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup test lint build serve bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy selfcheck sitebuild
	npx --no-install biome check

build: setup
	$(VENV)/bin/mkdocs build --strict

test: lint build
	$(PY) -m pytest

serve: build
	$(PY) -m sitebuild.serve --directory site --port 8000

bench: build
	$(PY) benchmarks/engine_cost.py
	$(PY) benchmarks/run.py

clean:
	rm -rf site .venv node_modules .pytest_cache .hypothesis
