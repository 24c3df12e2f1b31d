"""The daily call budgets: the app-wide one the platform reports, and one per user of ours."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings

from brokers.errors import RATE_LIMITED, PlatformError
from brokers.resilience.stores import DAY_SECONDS, Store, default_store


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)


def _seconds_to_utc_midnight(now: datetime.datetime) -> float:
    tomorrow = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


@dataclass(frozen=True, slots=True)
class AppBudget:
    """The platform's daily call budget for the whole service, as its last answers reported."""

    day: datetime.date  # the UTC day the numbers are for
    limit: int | None  # X-RateLimit-Limit-Day
    remaining: int  # the lowest X-RateLimit-Remaining-Day seen that day


class DailyBudget:
    """The app-wide daily budget from the rate-limit headers of every answer."""

    def __init__(
        self, *, store: Store | None = None, now: Callable[[], datetime.datetime] = _utc_now
    ) -> None:
        self._store = store or default_store()
        self._now = now

    @staticmethod
    def _keys(day: datetime.date) -> tuple[str, str]:
        stamp = day.strftime("%Y%m%d")
        return f"budget:app:{stamp}:limit", f"budget:app:{stamp}:remaining"

    def record(self, headers: Mapping[str, str]) -> None:
        """Note the budget headers of an answer, if it has them (any answer, error or not)."""
        limit = _header_int(headers, "X-RateLimit-Limit-Day")
        remaining = _header_int(headers, "X-RateLimit-Remaining-Day")
        if remaining is None:
            return
        limit_key, remaining_key = self._keys(self._now().date())
        ttl = 2 * DAY_SECONDS
        if limit is not None:
            self._store.set(limit_key, str(limit), ttl)
        self._store.set_min(remaining_key, remaining, ttl)

    def read(self) -> AppBudget | None:
        """Today's budget (UTC), or None when no answer today has reported it yet."""
        day = self._now().date()
        limit_key, remaining_key = self._keys(day)
        remaining = self._store.get(remaining_key)
        if remaining is None:
            return None
        limit = self._store.get(limit_key)
        return AppBudget(day=day, limit=int(limit) if limit else None, remaining=int(remaining))


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class UserBudget:
    """A per-user daily call budget, so that one user cannot spend the service's budget."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        limit: int | None = None,
        now: Callable[[], datetime.datetime] = _utc_now,
    ) -> None:
        self._store = store or default_store()
        self.limit = settings.OPENPLATFORM_USER_DAILY_CALLS if limit is None else limit
        self._now = now

    def _key(self, user_id: int, day: datetime.date) -> str:
        return f"budget:user:{user_id}:{day.strftime('%Y%m%d')}"

    def spend(self, user_id: int | None) -> None:
        """Count one call for the user; raise `rate_limited` (no call made) past the limit."""
        if user_id is None or not self.limit:
            return
        now = self._now()
        used = self._store.incr(self._key(user_id, now.date()), 2 * DAY_SECONDS)
        if used > self.limit:
            raise PlatformError(
                RATE_LIMITED,
                "the user's daily call budget is spent: no call made",
                retry_after=round(_seconds_to_utc_midnight(now), 3),
            )

    def used(self, user_id: int) -> int:
        return int(self._store.get(self._key(user_id, self._now().date())) or 0)
