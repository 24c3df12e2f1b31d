"""`make run`: bring up the whole development stack with one command.

It checks PostgreSQL and Redis, creates the database if it is missing, migrates, seeds the demo
user and prepares the open-platform sandbox (its own database, created, migrated and seeded with
its personas). Then honcho's manager runs every process of the Procfile until Ctrl-C, in this
process (`config/launch_console.py` prints their output on one clock, Asia/Seoul). Once the web
server answers, the sign-in details are printed, and on the first run the demo user's history is
built in the background (`demo_backfill --link --progress`: linked to the sandbox persona 홍길동
through the real OAuth flow, then a year of daily syncs), with a progress bar here and a banner
on the dashboard. When PostgreSQL or Redis cannot be reached it still comes up, in *embedded
mode* (SQLite, tasks in-process, web and sandbox only) and says so loudly here and on every
page.
"""

from __future__ import annotations

import datetime
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
from honcho import environ
from honcho.manager import Manager
from psycopg import sql

from brokers.sandbox.door import door_write
from config import defaults
from config.launch_console import ConsolePrinter, LaunchConsole
from config.settings.env import env_bool

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_DATABASE_URL = "postgres:///jasan_sandbox"


CONSOLE = LaunchConsole(width=len("sandbox.1"))  # widened to the longest process name
TIME_ZONE = "Asia/Seoul"  # settings.TIME_ZONE: every process logs on this clock
WEB_READY_SECONDS = 180
# Processes started outside honcho's manager (the demo history), stopped with it.
_CHILDREN: list[subprocess.Popen[str]] = []


def _say(message: str) -> None:
    CONSOLE.say(message)


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
    """Run a management command quietly; its output is shown only if it fails."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings} if settings else None
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        raise subprocess.CalledProcessError(done.returncode, ["manage.py", *args])


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
    sandbox = "config.settings.sandbox"
    _manage("migrate", "--database", "sandbox", "--noinput", "-v", "0", settings=sandbox)
    _manage("sandbox_seed", "-v", "0", settings=sandbox)
    return True


def _answers(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - our servers  # nosec B310
            return answer.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def _history_status() -> str:
    """`empty`, `partial`, `synced` or `no-user` (see `demo_backfill --status`)."""
    status = subprocess.run(
        [sys.executable, "manage.py", "demo_backfill", "--status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return status.stdout.strip() or "unknown"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _wait_for(url: str, stop: threading.Event, seconds: float, *, port: int = 0) -> bool:
    """Whether `url` answers 200 within `seconds`. With `port`, it is asked once the port
    listens, and given the time left to answer (a server still loading the app)."""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        if port and _listening(port):
            return _answers(url, timeout=max(1.0, deadline - time.monotonic()))
        if not port and _answers(url):
            return True
        time.sleep(0.25)
    return False


def _build_history(sandbox_url: str, stop: threading.Event, sign_in: str) -> None:
    """Link the demo user and build a year of its history, reporting progress to the console
    (the command keeps the dashboard's banner up to date itself)."""
    if not _wait_for(sandbox_url + "/healthz", stop, 120):
        _say("The sandbox did not answer: the demo history is not built this time.")
        return
    _say("Building the demo user's history in the background (the site is usable meanwhile)…")
    started = time.monotonic()
    quiet = {**os.environ, "LOG_LEVEL": "ERROR"}  # one log line per upstream call otherwise
    command = ["demo_backfill", "--days", "365", "--link", "--progress"]
    with subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=quiet,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        _CHILDREN.append(process)
        for line in process.stdout or ():
            words = line.split()
            if len(words) == 3 and words[0] == "progress":
                done, total = int(words[1]), int(words[2])
                CONSOLE.progress_start("demo history", total, sign_in)
                CONSOLE.progress_update(done, total)
            elif line.strip():
                now = datetime.datetime.now()  # noqa: DTZ005 - the console's local clock
                CONSOLE.process_line("history", line.rstrip(), now, 0)
    CONSOLE.progress_stop()
    if process.returncode == 0:
        _say(f"The demo history is built ({time.monotonic() - started:.0f} s). {sign_in}")
    elif not stop.is_set():
        _say(f"The demo history could not be built (exit {process.returncode}); see above.")


def _announce_when_up(
    web_port: str, sandbox_port: str | None, started: float, stop: threading.Event
) -> None:
    site = f"http://127.0.0.1:{web_port}/"
    if not _wait_for(site + "accounts/login/", stop, WEB_READY_SECONDS, port=int(web_port)):
        if not stop.is_set():
            _say(f"The web server did not answer within {WEB_READY_SECONDS} s; see above.")
        return
    email = os.environ.get("DEMO_EMAIL") or "demo@jasan.example"
    password = os.environ.get("DEMO_PASSWORD") or "jasan-demo-2026"
    sign_in = f"Sign in at {site} as {email} / {password}"
    banner = "=" * 78
    _say(banner)
    _say(f"Jasan is up ({time.monotonic() - started:.0f} s after start): {site}")
    if sandbox_port:
        _say(f"Open-platform sandbox and its portal: http://127.0.0.1:{sandbox_port}/portal/")
    _say("Sign-up e-mails (verification links) are printed here by the web process.")
    _say(f"Demo user: {email}   password: {password}")
    _say(banner)
    if sandbox_port and _history_status() in ("empty", "partial"):
        _build_history(f"http://127.0.0.1:{sandbox_port}", stop, sign_in)


def _manager(processes: list[str]) -> Manager:
    """honcho's manager for these Procfile processes, as `honcho start` would make it."""
    procfile = environ.parse_procfile((ROOT / "Procfile").read_text())
    dotenv = ROOT / ".env"
    app_env = environ.parse(dotenv.read_text()) if dotenv.exists() else {}
    CONSOLE.width = max(len(name) for name in [*processes, "history", "jasan"]) + 2
    manager = Manager(ConsolePrinter(CONSOLE))
    chosen = {name: procfile.processes[name] for name in processes}
    for params in environ.expand_processes(chosen, env=app_env, port=5000):
        manager.add_process(params.name, params.cmd, env={**os.environ, **params.env}, cwd=ROOT)
    return manager


def main() -> None:
    started = time.monotonic()
    os.environ["TZ"] = TIME_ZONE
    time.tzset()
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # The app is loaded once, before gunicorn forks its workers: on a busy two-core machine,
    # where every process of the Procfile loads Django at the same moment, the site answers
    # sooner.
    os.environ.setdefault("GUNICORN_CMD_ARGS", "--preload")
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

    processes = ["web", "sandbox"] if embedded else _procfile_processes()
    web_port = os.environ.setdefault("WEB_PORT", "8000")
    sandbox_port: str | None = os.environ.setdefault("SANDBOX_PORT", "8001")
    with_sandbox = env_bool("SANDBOX_ENABLED", env_bool("DEBUG", False))
    _say("Migrating the databases and seeding the demo user and the sandbox's personas…")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The sandbox's database is another one: it is prepared at the same time.
        sandbox_prepared = pool.submit(_prepare_sandbox, embedded) if with_sandbox else None
        _manage("migrate", "--noinput", "-v", "0")
        _manage("seed_demo", "-v", "0")
    if sandbox_prepared is None:
        processes.remove("sandbox")
        sandbox_port = None
    elif sandbox_prepared.result():
        # A fresh control token each run: `manage.py sandbox_fault` finds it in .data/.
        token = secrets.token_urlsafe(24)
        os.environ["SANDBOX_CONTROL_TOKEN"] = token
        door_write(url=f"http://127.0.0.1:{sandbox_port}", token=token, root=ROOT)
    else:
        processes.remove("sandbox")
        sandbox_port = None
        _say("The sandbox's database cannot be reached: starting without the sandbox.")

    _say(f"Starting {', '.join(processes)} (prepared in {time.monotonic() - started:.0f} s)…")
    manager = _manager(processes)
    stop = threading.Event()
    threading.Thread(
        target=_announce_when_up,
        args=(web_port, sandbox_port, started, stop),
        daemon=True,
    ).start()
    try:
        manager.loop()
    finally:
        stop.set()
        for child in _CHILDREN:
            if child.poll() is None:
                child.terminate()
        CONSOLE.progress_stop()
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
