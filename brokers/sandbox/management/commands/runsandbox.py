"""`manage.py runsandbox [addr:port] [--prepare]`: serve the open-platform sandbox.

The sandbox is another system than the app, so it runs in a process of its own, under its own
settings (`config.settings.sandbox`: only the sandbox's URLs, only the sandbox database, its own
cookie names). Started under any other settings module, the command re-executes itself under
that one. It serves with Django's threaded WSGI server, one thread per request, so slow answers
(latency faults, large accounts) never hold up other callers.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from config.launch import ensure_database

SANDBOX_SETTINGS = "config.settings.sandbox"
SANDBOX_URLCONF = "brokers.sandbox.urls"
_ADDRPORT_RE = re.compile(r"^(?:(?P<addr>[0-9.]+|localhost):)?(?P<port>\d{1,5})$")


class _RequestHandler(WSGIRequestHandler):
    # Headers and body leave in separate writes; with Nagle's algorithm on, a keep-alive client
    # then waits for the kernel's delayed ACK (about 40 ms) on every answer.
    disable_nagle_algorithm = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # A demo history replays a year of past days (`X-Sandbox-As-Of`): thousands of calls
        # that would bury everything else in the console. Their failures are still logged.
        if self.headers.get("X-Sandbox-As-Of") and str(code).startswith("2"):
            return
        super().log_request(code, size)


class Command(BaseCommand):
    help = "Serve the open-platform sandbox (gateway paths, portal) on its own port and database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", help="default: 127.0.0.1:$SANDBOX_PORT")
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="Create the sandbox database if missing, migrate it and seed the personas first.",
        )

    def handle(self, *args: Any, addrport: str | None, prepare: bool, **options: Any) -> None:
        addrport = addrport or f"127.0.0.1:{settings.SANDBOX_PORT}"
        match = _ADDRPORT_RE.match(addrport)
        if match is None:
            raise CommandError(f"{addrport!r} is not a port or address:port.")
        addr, port = match["addr"] or "127.0.0.1", int(match["port"])
        if settings.ROOT_URLCONF != SANDBOX_URLCONF:
            self._reexec(addrport, prepare)
        if prepare:
            self._prepare()
        handler = get_wsgi_application()
        database = settings.DATABASES["sandbox"].get("NAME")
        self.stdout.write(f"Sandbox serving http://{addr}:{port}/ (database {database})")
        self.stdout.flush()
        server = ThreadedWSGIServer((addr, port), _RequestHandler)
        server.set_app(handler)
        server.serve_forever()

    def _prepare(self) -> None:
        """Create the sandbox database when it is missing, migrate it and seed the personas."""
        url = settings.SANDBOX_DATABASE_URL
        if url.startswith(("postgres:", "postgresql:")) and not ensure_database(url):
            raise CommandError("The sandbox database cannot be reached.")
        call_command("migrate", database="sandbox", interactive=False, verbosity=0)
        call_command("sandbox_seed", verbosity=0)

    def _reexec(self, addrport: str, prepare: bool) -> None:
        manage = settings.BASE_DIR / "manage.py"
        argv = [sys.executable, str(manage), "runsandbox", addrport]
        if prepare:
            argv.append("--prepare")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SANDBOX_SETTINGS}
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 - our own command, fixed arguments
