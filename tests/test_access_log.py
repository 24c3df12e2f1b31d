"""The web process's access log (the Procfile's gunicorn line) never holds an OAuth code or
state: a real gunicorn is started, asked for the callback, and its log line read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from config.gunicorn import redact

ROOT = Path(__file__).resolve().parent.parent
CODE = "oauth-code-4f1d9c2b7a"
STATE = "oauth-state-9e8d7c6b5a"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _procfile_web_line(port: int) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip().replace("${WEB_PORT:-8000}", str(port))
    raise AssertionError("no web line in the Procfile")


def test_redact_replaces_code_and_state_values_and_nothing_else():
    line = f"GET /link/callback/?code={CODE}&state={STATE}&scope=account HTTP/1.1"

    assert redact(line) == (
        "GET /link/callback/?code=[redacted]&state=[redacted]&scope=account HTTP/1.1"
    )
    assert redact(f"/accounts/login/?next=/link/callback/%3Fcode%3D{CODE}%26state%3D{STATE}") == (
        "/accounts/login/?next=/link/callback/%3Fcode%3D[redacted]%26state%3D[redacted]"
    )
    assert redact("/dashboard/transactions/?type=BID&barcode=1&postcode=2") == (
        "/dashboard/transactions/?type=BID&barcode=1&postcode=2"
    )


@pytest.mark.django_db
def test_the_gunicorn_access_log_line_of_the_callback_has_no_code_or_state(output_dir):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = output_dir / "gunicorn-access.log"
    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S602 - the Procfile's own command line, as honcho runs it
            _procfile_web_line(port) + " --workers 1",
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/link/callback/?code={CODE}&state={STATE}"
            request = urllib.request.Request(url, headers={"Referer": url})
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(request, timeout=5)  # noqa: S310 - our own server
                    break
                except urllib.error.HTTPError:
                    break  # any answer is logged
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            time.sleep(0.5)
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=10)

    lines = [line for line in log.read_text().splitlines() if "/link/callback/" in line]
    assert lines, log.read_text()
    assert "/link/callback/?code=[redacted]&state=[redacted]" in lines[0]
    text = log.read_text()
    assert CODE not in text
    assert STATE not in text
