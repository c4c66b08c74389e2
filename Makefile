# make demo  — set up a virtual environment and run ember's main job
# make test  — set up a virtual environment (with torch as the test reference) and run the suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# One BLAS thread per process: the suite runs two processes on two cores.
TEST_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: demo test lint bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.demo-deps: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[examples]'
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test,examples]'
	touch $@

demo: $(VENV)/.demo-deps
	$(PY) -m ember.examples.digits

test: $(VENV)/.test-deps
	$(TEST_ENV) $(PY) -m pytest -n 2 --dist loadgroup -p no:cacheprovider tests

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check ember tests benchmarks examples
	$(VENV)/bin/ruff format --check ember tests benchmarks examples

bench: $(VENV)/.test-deps
	$(PY) -m benchmarks
