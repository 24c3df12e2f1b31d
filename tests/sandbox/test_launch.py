"""`make run` starts the sandbox: the Procfile names it, and the launcher creates, migrates and
seeds its own database before handing over to honcho. Production never installs it."""

from __future__ import annotations

import os

import psycopg
import pytest
from psycopg import sql

from config import launch
from tests.sandbox_server import postgres_url
from tests.test_settings import PRODUCTION_ENV, _run


def test_the_procfile_runs_the_sandbox_on_its_own_port():
    processes = dict(
        line.split(":", 1) for line in (launch.ROOT / "Procfile").read_text().splitlines()
    )

    assert processes["sandbox"].strip() == (
        "python manage.py runsandbox 127.0.0.1:${SANDBOX_PORT:-8001}"
    )
    assert "sandbox" in launch._procfile_processes()


@pytest.fixture
def scratch_database(monkeypatch) -> str:
    name = f"jasan_sandbox_launch_{os.getpid()}"
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    monkeypatch.setenv("SANDBOX_DATABASE_URL", postgres_url(name))
    yield postgres_url(name)
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_the_launcher_creates_migrates_and_seeds_the_sandbox_database(scratch_database):
    assert launch._prepare_sandbox(embedded=False) is True

    with psycopg.connect(scratch_database) as conn:
        members = conn.execute("SELECT portal_id FROM sandbox_member ORDER BY portal_id").fetchall()
        services = conn.execute("SELECT client_id FROM sandbox_fintechservice").fetchall()
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'accounts_%'"
        ).fetchone()

    assert [row[0] for row in members] == ["choi", "hong", "jung", "kim", "park"]
    assert services == [("jasan-dev",)]
    assert tables == (0,)  # nothing of the app's lives there


def test_production_settings_never_install_the_sandbox():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print('brokers.sandbox' in settings.INSTALLED_APPS, 'sandbox' in settings.DATABASES)"
    )
    result = _run(PRODUCTION_ENV, "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_the_sandbox_process_refuses_to_start_where_the_sandbox_is_switched_off():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.sandbox"}
    result = _run({**env, "SANDBOX_ENABLED": "false"}, "-c", "import config.settings.sandbox")

    assert result.returncode != 0
    assert "need SANDBOX_ENABLED" in result.stderr
