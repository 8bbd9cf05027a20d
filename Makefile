# The few entry points of BCM. Each target creates .venv and installs what it needs when missing,
# so any of them works as the first command on a fresh machine (Python 3.11, root).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m bcm demo

# Debian's PostgreSQL server and Chromium are real components of the test suite.
system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

test: $(STAMP) system-deps lint
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -n 2 --dist loadgroup

bench: $(STAMP) system-deps
	@set -e; for b in bench/*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
