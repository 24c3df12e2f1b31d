# Two commands: `make run` (the whole stack) and `make test` (lint and every test).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: install run test lint format lock messages

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@test -x $(PY) || $(UV) venv --quiet $(VENV) --python 3.11
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	@touch $@

run: install
	$(PY) -m config.launch

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . --quiet
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-resolve the pinned, hashed lock file after editing pyproject.toml.
lock:
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock

# Refresh translation catalogues (needs GNU gettext) and compile them.
messages: install
	$(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=tests --ignore=static
	$(PY) manage.py compilemessages --ignore=.venv
