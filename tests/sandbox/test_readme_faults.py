"""Every `sandbox_fault` example of the README, run as printed against a running sandbox, from a
shell whose own sandbox database is another one: the running sandbox changes."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from brokers.openplatform.client import AS_OF_HEADER as AS_OF
from brokers.sandbox import door
from brokers.sandbox.door import door_write
from brokers.sandbox.models import Fault
from tests.sandbox_server import ROOT, _free_port

HONG_DIAMOND = "160678007213500001"


def readme_fault_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    lines = [line.split("  #")[0].strip() for line in readme.splitlines()]
    return [
        line
        for line in lines
        if line.startswith("DEBUG=true .venv/bin/python manage.py sandbox_fault")
    ]


@pytest.fixture
def shell(sandbox):
    """A user's shell while `make run` runs: the door it recorded, another database named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SANDBOX"))}
    env |= {
        "SANDBOX_DATABASE_URL": "postgres:///jasan_sandbox_not_the_running_one",
        "SANDBOX_CONTROL_TOKEN": sandbox.control_token,
        "SANDBOX_PORT": sandbox.url.rsplit(":", 1)[1],
    }

    def run(command: str) -> str:
        done = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        assert "No sandbox answers" not in done.stderr
        return done.stdout

    yield run
    sandbox.restore_personas()
    sandbox.reset()


def test_the_readme_shows_each_action(sandbox):
    actions = [command.split()[4] for command in readme_fault_commands()]

    assert actions == ["set", "set", "set", "list", "clear", "budget", "expire-consent", "reset"]


def test_every_readme_fault_example_changes_the_running_sandbox(sandbox, shell):
    outputs = {command: shell(command) for command in readme_fault_commands()[:4]}
    faults = [(f["kind"], f["broker"], f["vt_acc_no"], f["remaining"]) for f in sandbox.faults()]

    assert faults == [
        ("3600", "cyber", "", 3),
        ("latency", "", "", None),
        ("drop-page", "", "160812345678900001", None),
    ]
    listing = list(outputs.values())[3]
    assert re.search(r"3600 @ cyber \(3 more\)", listing), listing

    commands = readme_fault_commands()[4:]
    assert "3 fault(s) cleared." in shell(commands[0])
    assert sandbox.faults() == []

    assert "3 of 100 left today" in shell(commands[1])
    assert sandbox.set_budget()["limit"] == 100
    assert sandbox.set_budget()["remaining"] == 3

    assert "consent(s) expired." in shell(commands[2])
    assert HONG_DIAMOND in commands[2]

    shell(commands[3])
    assert sandbox.faults() == []
    assert sandbox.set_budget()["remaining"] > 3


@pytest.mark.django_db(databases=["default", "sandbox"])
def test_where_no_sandbox_answers_the_command_changes_its_database_and_says_so(
    settings, monkeypatch
):
    monkeypatch.setenv("SANDBOX_CONTROL_TOKEN", "a-door-nobody-answers")
    settings.SANDBOX_PORT = _free_port()
    out, err = StringIO(), StringIO()

    call_command("sandbox_fault", "set", "429", "--broker", "star", stdout=out, stderr=err)

    assert [(f.kind, f.broker) for f in Fault.objects.all()] == [("429", "star")]
    assert f"No sandbox answers at http://127.0.0.1:{settings.SANDBOX_PORT}" in err.getvalue()
    assert "on: 429 @ star" in out.getvalue()


def test_make_run_records_the_door_for_this_user_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SANDBOX_CONTROL_TOKEN", raising=False)

    path = door_write(url="http://127.0.0.1:18001", token="s3cret", root=tmp_path)
    monkeypatch.setattr(door, "door_file", lambda root=None: path)

    assert path == tmp_path / ".data" / "sandbox-control.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert door.door_find() == door.Door(url="http://127.0.0.1:18001", token="s3cret")


def test_the_sandbox_does_not_log_each_replayed_past_day_but_logs_the_rest(
    live_sandbox, output_dir
):
    replayed, live = secrets.token_hex(4), secrets.token_hex(4)

    requests.get(f"{live_sandbox.url}/healthz?{replayed}", headers={AS_OF: "20260105"}, timeout=10)
    requests.get(f"{live_sandbox.url}/healthz?{live}", timeout=10)

    # The server logs an answer just after sending it: wait for the second one's line.
    log_file = output_dir / f"sandbox-{os.getpid()}.log"
    deadline = time.monotonic() + 10
    while live not in log_file.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    log = log_file.read_text()
    assert live in log
    assert replayed not in log
