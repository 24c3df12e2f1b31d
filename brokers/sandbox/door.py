"""The running sandbox's control door, as seen from outside it (``manage.py sandbox_fault``).

``make run`` starts the sandbox with a fresh ``SANDBOX_CONTROL_TOKEN`` and writes where it runs
and that token to ``.data/sandbox-control.json`` (readable by this user only), so that commands
typed in another shell change the sandbox that is running, whatever database their own
environment names. A ``SANDBOX_CONTROL_TOKEN`` in the environment wins (with the sandbox at
``127.0.0.1:SANDBOX_PORT``): the test fixture drives its own sandbox that way.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from django.conf import settings

HEADER = "X-Sandbox-Control"


class DoorError(Exception):
    """The sandbox answered, and refused (its message)."""


class DoorClosed(Exception):
    """No sandbox answers at the door's address."""


def door_file(root: Path | None = None) -> Path:
    return (root or Path(settings.BASE_DIR)) / ".data" / "sandbox-control.json"


@dataclass(frozen=True, slots=True)
class Door:
    url: str
    token: str

    def call(self, action: str, **fields: Any) -> dict[str, Any]:
        try:
            response = requests.post(
                f"{self.url}/sandbox/control/{action}",
                json=fields,
                headers={HEADER: self.token},
                timeout=(3.05, 30),
            )
        except requests.ConnectionError as error:
            raise DoorClosed(self.url) from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200 or not isinstance(answer, dict):
            message = answer.get("message") if isinstance(answer, dict) else None
            raise DoorError(message or f"HTTP {response.status_code} from {self.url}")
        return answer


def door_write(*, url: str, token: str, root: Path | None = None) -> Path:
    """Record the running sandbox's address and control token (mode 0600); `make run` gives
    the checkout's folder, before Django's settings are read."""
    path = door_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"url": url, "token": token}, out)
    return path


def door_find() -> Door | None:
    """The door of the sandbox to talk to, or None where nothing says where one runs."""
    token = os.environ.get("SANDBOX_CONTROL_TOKEN", "").strip()
    if token:
        return Door(url=f"http://127.0.0.1:{settings.SANDBOX_PORT}", token=token)
    try:
        recorded = json.loads(door_file().read_text())
        return Door(url=str(recorded["url"]).rstrip("/"), token=str(recorded["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
