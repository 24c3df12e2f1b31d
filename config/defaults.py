"""Defaults shared by the settings and by the `make run` launcher.

They point at services on this machine so that a fresh clone runs without configuration.
Production overrides every one of them through the environment.
"""

from __future__ import annotations

DATABASE_URL = "postgres:///jasan"
REDIS_URL = "redis://127.0.0.1:6379/0"
EMBEDDED_DATABASE_FILE = ".data/jasan-embedded.sqlite3"
