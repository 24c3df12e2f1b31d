# Two commands: `make run` (the whole stack) and `make test` (lint, import contracts, types and
# every test).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Both are looked up once, here, before .venv/bin goes first on the PATH below: nothing later
# may depend on what an earlier run left in .venv. `uv` is the one on the PATH if there is one,
# else a private copy in .tools/, installed from the hash-pinned requirements-tools.lock into a
# virtual environment of its own (never into the system Python).
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
# uv trusts the operating system's certificate store, as pip and the rest of the machine do:
# a machine that reaches the package index through its organisation's own CA then needs no
# extra variable (uv's built-in roots would refuse it).
export UV_NATIVE_TLS := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: install run test lint format lock messages

install: $(VENV)/.installed

$(TOOLS)/bin/uv: requirements-tools.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3)." >&2; exit 1; }
	$(PYTHON) -m venv --clear $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-tools.lock
	@touch $@

$(VENV)/.installed: requirements.lock | $(UV)
	@test -x $(PY) || $(UV) venv --quiet $(VENV) --python 3.11
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	@touch $@

run: install
	$(PY) -m config.launch

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -c pyproject.toml -r . --quiet
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-resolve the pinned, hashed lock files after editing pyproject.toml (or UV_VERSION above).
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock
	echo "uv==$(UV_VERSION)" | $(UV) pip compile - --generate-hashes --python-version 3.11 \
		--no-header --no-annotate -o requirements-tools.lock

# Refresh translation catalogues (needs GNU gettext) and compile them.
messages: install
	$(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=tests --ignore=static
	$(PY) manage.py compilemessages --ignore=.venv
