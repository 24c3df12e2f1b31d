"""Shared fixtures: the named users, and a real Celery worker process for task tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
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


def _test_database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    host = settings.get("HOST") or ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    auth = settings.get("USER") or ""
    if auth and settings.get("PASSWORD"):
        auth += f":{settings['PASSWORD']}"
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{settings['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, output_dir) -> Iterator[str]:
    """Start a real `celery worker` process on the test Redis database and the test PostgreSQL
    database; yield its node name once it answers a ping; stop it afterwards."""
    from config.celery_app import app

    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    with django_db_blocker.unblock():
        env["DATABASE_URL"] = _test_database_url()
    log = open(output_dir / f"celery-{node.split('@')[0]}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool", "solo", "--loglevel", "INFO", "--hostname", node,
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
        yield node
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
