"""`make run`: bring up the whole development stack with one command.

It checks PostgreSQL and Redis, creates the database if it is missing, migrates, seeds the demo
user, prepares the open-platform sandbox (its own database, created, migrated and seeded with
its personas), on the first run links the demo user to a sandbox persona and builds a year of
its history through the real sync, and then hands over to honcho, which runs every process of
the Procfile until Ctrl-C. When PostgreSQL or Redis cannot be reached it still comes up, in
*embedded mode* (SQLite, tasks in-process, web and sandbox only) and says so loudly here and on
every page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
from psycopg import sql

from config import defaults
from config.settings.env import env_bool

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_DATABASE_URL = "postgres:///jasan_sandbox"


def _say(message: str) -> None:
    print(f"[jasan] {message}", flush=True)


def ensure_database(url: str) -> bool:
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


def _manage(*args: str, settings: str | None = None) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings} if settings else None
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _procfile_processes() -> list[str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return [line.split(":", 1)[0].strip() for line in lines if ":" in line and line.strip()]


def _prepare_sandbox(embedded: bool) -> bool:
    """Create, migrate and seed the sandbox's own database; False when it cannot be reached.

    The sandbox stands in for another company's system, so it runs under its own settings and
    never opens the app's database. In embedded mode its database is a SQLite file too.
    """
    if not embedded and not ensure_database(
        os.environ.get("SANDBOX_DATABASE_URL") or SANDBOX_DATABASE_URL
    ):
        return False
    _manage("migrate", "--database", "sandbox", "--noinput", settings="config.settings.sandbox")
    _manage("sandbox_seed", settings="config.settings.sandbox")
    return True


@contextmanager
def _sandbox_running(port: str) -> Iterator[None]:
    """The sandbox served for a moment, before honcho serves it for good, on the same port."""
    log_path = ROOT / ".data" / "sandbox-demo.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runsandbox", f"127.0.0.1:{port}"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not _answers(f"http://127.0.0.1:{port}/healthz"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the sandbox did not start; see {log_path}")
                time.sleep(0.2)
            yield
        finally:
            process.terminate()
            process.wait(timeout=20)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310 - our own sandbox  # nosec B310
            return answer.status == 200
    except OSError:
        return False


def _demo_history(sandbox_port: str) -> None:
    """The first time only (the demo user has no synced data yet): link the demo user to the
    sandbox persona 홍길동 through the real identity check and OAuth flow (`demo_link`), then
    build a year of daily history through the real sync, as of each past day
    (`demo_backfill`). Both need the sandbox, so it is served briefly first. A failure here is
    reported and the stack starts anyway: the demo user then links through the pages."""
    status = subprocess.run(
        [sys.executable, "manage.py", "demo_backfill", "--status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if status.stdout.strip() != "empty":
        return
    _say("First run: linking the demo user to the sandbox persona 홍길동 and building a year")
    _say("of history through the real sync, day by day (about a minute and a half)…")
    quiet = {**os.environ, "LOG_LEVEL": "ERROR"}  # one log line per upstream call otherwise
    try:
        with _sandbox_running(sandbox_port):
            for command in (["demo_link"], ["demo_backfill", "--days", "365", "--if-empty"]):
                subprocess.run(  # noqa: S603
                    [sys.executable, "manage.py", *command], cwd=ROOT, env=quiet, check=True
                )
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        _say(f"The demo history could not be built ({exc}); the stack starts without it.")


def main() -> None:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    database_url = os.environ.get("DATABASE_URL") or defaults.DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or defaults.REDIS_URL

    embedded = not (ensure_database(database_url) & _redis_ready(redis_url))
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

    processes = ["web", "sandbox"] if embedded else _procfile_processes()
    sandbox_port = os.environ.setdefault("SANDBOX_PORT", "8001")
    if not env_bool("SANDBOX_ENABLED", env_bool("DEBUG", False)):
        processes.remove("sandbox")
    elif _prepare_sandbox(embedded):
        _demo_history(sandbox_port)
        _say(f"Open-platform sandbox and its portal: http://127.0.0.1:{sandbox_port}/portal/")
        _say("Sandbox personas and faults: see README.md, section Sandbox.")
    else:
        processes.remove("sandbox")
        _say("The sandbox's database cannot be reached: starting without the sandbox.")

    port = os.environ.setdefault("WEB_PORT", "8000")
    _say(f"Open http://127.0.0.1:{port}/ — health at http://127.0.0.1:{port}/healthz")
    _say("Sign-up e-mails (verification links) are printed below by the web process.")
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
    os.execv(honcho, [honcho, "start", "-f", str(ROOT / "Procfile"), *processes])  # noqa: S606


if __name__ == "__main__":
    main()
