"""Keep the sandbox's tables in the sandbox's own database, and nothing else there.

The sandbox stands in for another company's system, so its rows never share a database with
the app's: every model of the ``sandbox`` app reads and writes through the ``sandbox`` alias,
and no other app is migrated into that database.
"""

from __future__ import annotations

from typing import Any

SANDBOX_APP = "sandbox"
SANDBOX_DB = "sandbox"


class SandboxRouter:
    def _is_sandbox(self, model: Any) -> bool:
        return model._meta.app_label == SANDBOX_APP

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return SANDBOX_DB if self._is_sandbox(model) else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return SANDBOX_DB if self._is_sandbox(model) else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        first, second = self._is_sandbox(obj1), self._is_sandbox(obj2)
        if first or second:
            return first and second
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if app_label == SANDBOX_APP:
            return db == SANDBOX_DB
        if db == SANDBOX_DB:
            return False
        return None
