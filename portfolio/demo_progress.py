"""How far the demo user's history has been built (`demo_backfill --progress`, run by `make run`
in the background once the site is up), for the banner on the dashboard.

The record lives in the shared cache (Redis; a file cache in embedded mode), so the command's
process writes it and every web process reads it. It is a demo aid: losing it loses only the
banner.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache

# Kept a month: `demo_backfill --status` reads it to tell a finished build from a cut-off one.
TTL_SECONDS = 30 * 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class HistoryProgress:
    state: str  # "linking", "building", "done" or "failed"
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def active(self) -> bool:
        return self.state in ("linking", "building")


def _key(user_id: int) -> str:
    return f"demo:history:{user_id}"


def history_progress_set(user_id: int, state: str, *, done: int = 0, total: int = 0) -> None:
    cache.set(_key(user_id), asdict(HistoryProgress(state, done, total)), TTL_SECONDS)


def history_progress_get(user_id: int | None) -> HistoryProgress | None:
    if user_id is None:
        return None
    record: Any = cache.get(_key(user_id))
    if not isinstance(record, dict):
        return None
    try:
        return HistoryProgress(
            state=str(record["state"]), done=int(record["done"]), total=int(record["total"])
        )
    except (KeyError, TypeError, ValueError):
        return None
