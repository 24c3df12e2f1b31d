"""A sandbox of the bench's own: `runsandbox` as a subprocess on a throwaway database."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import requests
from django.conf import settings
from django.core.management.base import CommandError
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


# --- a sandbox of our own -------------------------------------------------------------------


def _server_url(database: str) -> str:
    """A PostgreSQL URL for `database` on the app database's server."""
    default = settings.DATABASES["default"]
    auth = str(default.get("USER") or "")
    if auth and default.get("PASSWORD"):
        auth += f":{default['PASSWORD']}"
    host = default.get("HOST") or ""
    port = f":{default['PORT']}" if default.get("PORT") else ""
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{database}"


@dataclass(frozen=True)
class Sandbox:
    url: str
    control_token: str

    def control(self, action: str, **fields: Any) -> dict[str, Any]:
        answer = requests.post(
            f"{self.url}/sandbox/control/{action}",
            json=fields,
            headers={"X-Sandbox-Control": self.control_token},
            timeout=30,
        )
        if answer.status_code != 200:
            raise CommandError(f"sandbox control {action}: HTTP {answer.status_code}")
        return answer.json()


@contextmanager
def own_sandbox() -> Iterator[Sandbox]:
    """`runsandbox --prepare` on a free port and a throwaway database, removed afterwards."""
    database = f"jasan_bench_sandbox_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
    with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sandbox = Sandbox(f"http://127.0.0.1:{port}", secrets.token_urlsafe(24))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.sandbox",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_DATABASE_URL": _server_url(database),
        "SANDBOX_CONTROL_TOKEN": sandbox.control_token,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runsandbox", f"127.0.0.1:{port}", "--prepare"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(sandbox.url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise CommandError("the bench's sandbox did not start")
            time.sleep(0.1)
        yield sandbox
    finally:
        process.terminate()
        process.wait(timeout=20)
        with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
            admin.execute(drop)
