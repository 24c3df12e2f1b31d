"""`make run`: bring up the whole development stack with one command.

It checks PostgreSQL and Redis, creates the database if it is missing, migrates, seeds the demo
user and then hands over to honcho, which runs every process of the Procfile until Ctrl-C.
When PostgreSQL or Redis cannot be reached it still comes up, in *embedded mode* (SQLite, tasks
in-process, web only) and says so loudly here and on every page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
from psycopg import sql

from config import defaults

ROOT = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(f"[jasan] {message}", flush=True)


def _postgres_ready(url: str) -> bool:
    """Connect to the database, creating it first when only the database itself is missing."""
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            _say(f"PostgreSQL is not reachable ({type(exc).__name__}).")
            return False
    name = urlsplit(url).path.lstrip("/")
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        _say(f"Created the PostgreSQL database {name!r}.")
        return True
    except psycopg.Error as exc:
        _say(f"Could not create the database {name!r} ({type(exc).__name__}).")
        return False


def _redis_ready(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
        return True
    except redis.RedisError as exc:
        _say(f"Redis is not reachable ({type(exc).__name__}).")
        return False


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def main() -> None:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    database_url = os.environ.get("DATABASE_URL") or defaults.DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or defaults.REDIS_URL

    embedded = not (_postgres_ready(database_url) & _redis_ready(redis_url))
    if embedded:
        os.environ["JASAN_EMBEDDED"] = "true"
        (ROOT / defaults.EMBEDDED_DATABASE_FILE).parent.mkdir(parents=True, exist_ok=True)
        banner = "=" * 78
        _say(banner)
        _say("EMBEDDED MODE: PostgreSQL or Redis is unavailable.")
        _say("Running on SQLite with Celery tasks executed in-process; no worker, no beat.")
        _say("Start PostgreSQL and Redis and run `make run` again for the real stack.")
        _say(banner)
    else:
        os.environ["JASAN_EMBEDDED"] = "false"

    _manage("migrate", "--noinput")
    _manage("seed_demo")

    port = os.environ.setdefault("WEB_PORT", "8000")
    _say(f"Open http://127.0.0.1:{port}/ — health at http://127.0.0.1:{port}/healthz")
    _say("Sign-up e-mails (verification links) are printed below by the web process.")
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
    processes = ["web"] if embedded else []
    os.execv(honcho, [honcho, "start", "-f", str(ROOT / "Procfile"), *processes])  # noqa: S606


if __name__ == "__main__":
    main()
