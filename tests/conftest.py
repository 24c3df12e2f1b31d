"""Shared fixtures: the named users, and a real Celery worker process for task tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.factories import UserFactory

pytest_plugins = ["tests.sandbox_server"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output"))


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (allauth's rate-limit counters live there).

    Only the cache's own keys are deleted: Celery shares the test Redis database and its
    routing keys must survive.
    """
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    yield


@pytest.fixture(autouse=True)
def broker_registry(request) -> None:
    """The broker registry as its data migration fills it, for every test that uses the database.

    Transactional tests (browser tests, threads) end by flushing every table, data-migration
    rows included; the next database test finds the registry empty and gets it back here, filled
    idempotently by the migration's own function. Costs one query when the rows are there.
    """
    if request.node.get_closest_marker("django_db") is None and not {
        "db",
        "transactional_db",
    } & set(request.fixturenames):
        return
    import importlib

    from django.apps import apps

    from brokers.models import Broker

    if not Broker.objects.exists():
        importlib.import_module("brokers.migrations.0002_broker_registry").fill(apps, None)


@pytest.fixture
def on_sandbox(settings, sandbox):
    """Point the app at the live sandbox, as production settings point it at the platform."""
    for name, value in sandbox.settings_overrides().items():
        setattr(settings, name, value)
    settings.IDENTITY_SANDBOX_URL = sandbox.url + "/sandbox/identity/verify"
    return sandbox


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com")


@pytest.fixture
def charlie(db):
    return UserFactory(email="charlie@example.com")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


def tests_database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    host = settings.get("HOST") or ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    auth = settings.get("USER") or ""
    if auth and settings.get("PASSWORD"):
        auth += f":{settings['PASSWORD']}"
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{settings['NAME']}"


@contextmanager
def worker_process(
    output_dir: Path,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    *,
    pool: str = "solo",
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start a real `celery worker` process (solo pool, or `prefork` with one child) on the test
    Redis database and the given PostgreSQL database, with `extra_env` on top of this process's
    environment; yield its node name and process once it answers a ping; stop it afterwards
    (if it is still alive)."""
    from config.celery_app import app

    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env["DATABASE_URL"] = database_url
    env.update(extra_env or {})
    log = open(output_dir / f"celery-{node.split('@')[0]}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool", pool, "--concurrency", "1", "--loglevel", "INFO", "--hostname", node,
            "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited early; see {log.name}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not answer within 60 s; see {log.name}")
        yield node, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, output_dir) -> Iterator[str]:
    """Start a real `celery worker` process on the test Redis database and the test PostgreSQL
    database; yield its node name once it answers a ping; stop it afterwards."""
    with django_db_blocker.unblock():
        database_url = tests_database_url()
    with worker_process(output_dir, database_url) as (node, _process):
        yield node
