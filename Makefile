# make setup  — virtual environment (.venv) with the project and its tools, npm ci
# make test   — everything: lint (ruff, mypy, Biome, actionlint), site build, every test
# make serve  — build the site and serve it on http://127.0.0.1:8000
# make bench  — benchmarks (prints figures; not a test)
# make lock   — write requirements-dev.txt again from pyproject.toml (CONTRIBUTING.md, "Dependencies")

PYTHON ?= $(shell .ci/find-python)
VENV := .venv
PY := $(VENV)/bin/python
# Every Python package, the dev tools' dependencies included, with its sha256.
LOCK := requirements-dev.txt
# The lock's oldest Python: pyproject.toml's requires-python.
LOCK_PYTHON := 3.12
# make lock LOCK_FLAGS="--upgrade-package NAME" (or --upgrade): newer versions.
LOCK_FLAGS ?=

.PHONY: setup test lint build serve bench lock clean

setup: $(VENV)/.installed node_modules/.installed

# The lock first, hashes required; then the project itself, without its
# dependencies (they are in the lock) and without build isolation (its build
# backend, setuptools, is in the lock too).
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lock: setup
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra dev --universal \
		--python-version $(LOCK_PYTHON) --generate-hashes \
		--custom-compile-command "make lock" $(LOCK_FLAGS) -o $(LOCK)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict selfcheck
	$(VENV)/bin/mypy sitebuild
	npx --no-install biome check
	$(VENV)/bin/actionlint -shellcheck $(VENV)/bin/shellcheck .github/workflows/*.yml

build: setup
	$(VENV)/bin/mkdocs build --strict

test: lint build
	$(PY) -m pytest

serve: build
	$(PY) -m sitebuild.serve --directory site --port 8000

# The benchmarks use the tests' helpers (tests/support/: browser launchers,
# paths, corpus, oracle), importable with tests/ on the path.
bench: build
	PYTHONPATH=tests $(PY) benchmarks/engine_cost.py
	PYTHONPATH=tests $(PY) benchmarks/run.py
	PYTHONPATH=tests $(PY) benchmarks/mobile.py
	PYTHONPATH=tests $(PY) benchmarks/stdlib_floor.py
	PYTHONPATH=tests $(PY) benchmarks/lighthouse.py

clean:
	rm -rf site .venv node_modules .pytest_cache .hypothesis
