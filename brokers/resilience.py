"""Keeping upstream calls bounded and survivable: backoff, circuit breaker, budgets, short cache.

The client never sleeps. A transient failure surfaces as a `PlatformError` with `retry_after`
(the platform's `Retry-After` if it sent one, else `backoff_delay` for the caller's attempt), and
the Celery task decides to retry with that countdown.

Shared state lives in Redis so that every web and worker process sees it:
- a circuit breaker per broker: after `OPENPLATFORM_BREAKER_THRESHOLD` consecutive transient
  failures no call goes out for `OPENPLATFORM_BREAKER_COOLDOWN` seconds; then one probe call
  is let through (half-open), which closes the circuit on success or reopens it on failure;
- the app-wide daily budget the platform reports in `X-RateLimit-Remaining-Day`, per UTC day
  (the platform's day starts at 00:00 GMT), for the scheduler to read;
- a per-user daily call budget (`OPENPLATFORM_USER_DAILY_CALLS`, 0 for none);
- a short cache of balance and portfolio answers (`OPENPLATFORM_CACHE_SECONDS`), as JSON.

Keys sit under the Django cache's key prefix, so tests that clear the cache clear them too.
If Redis cannot be reached these helpers fail open (no breaker, no budget, no cache) with a
warning: an unreachable Redis must not turn into errors that look like the platform's.
"""

from __future__ import annotations

import datetime
import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import redis
from django.conf import settings

from brokers import codec
from brokers.errors import RATE_LIMITED, TRANSIENT, PlatformError

logger = logging.getLogger(__name__)

T = TypeVar("T")

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
# The floor keeps a suggested delay from reading as "no delay" to a caller testing truthiness.
BACKOFF_FLOOR_SECONDS = 0.1
# A half-open probe holds its slot at most this long: longer than a call can take (connect +
# read timeouts), so a probe that died with its worker frees the slot by itself.
PROBE_SECONDS = 45
_DAY_SECONDS = 24 * 60 * 60
_CACHE_VERSION = 1  # bump when a cached record's shape changes


def backoff_delay(
    attempt: int,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rand: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with full jitter: a random delay up to 1 s, 2 s, 4 s … capped at 30 s.

    Full jitter (a uniform draw below the exponential ceiling) spreads the retries of many
    workers that failed together, so they do not hit a recovering broker in lockstep.
    """
    ceiling = min(cap, base * 2 ** (max(attempt, 1) - 1))
    return round(max(BACKOFF_FLOOR_SECONDS, ceiling * rand()), 3)


def with_suggested_delay(error: PlatformError, attempt: int) -> PlatformError:
    """Give a transient or rate-limited error a delay, unless the platform already named one."""
    if error.retry_after is None and error.kind in (TRANSIENT, RATE_LIMITED):
        error.retry_after = backoff_delay(attempt)
    return error


# --- shared state ------------------------------------------------------------------------


class Store(Protocol):
    """The few atomic operations the helpers need; values are strings, TTLs in seconds."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float) -> None: ...

    def add(self, key: str, value: str, ttl: float) -> bool: ...

    def incr(self, key: str, ttl: float) -> int: ...

    def set_min(self, key: str, value: int, ttl: float) -> int: ...

    def delete(self, *keys: str) -> None: ...


# Keep the smaller of the stored and the given number: answers of concurrent calls arrive in
# any order, and the lowest remaining count is the freshest.
_SET_MIN = """
local current = redis.call('GET', KEYS[1])
local value = tonumber(ARGV[1])
if current and tonumber(current) <= value then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(current)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return value
"""


# Increment, and give the key its lifetime on the first increment only (later ones must not
# extend it), in one step so that a crash in between cannot leave a counter that never expires.
_INCR = """
local value = redis.call('INCR', KEYS[1])
if value == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return value
"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisStore:
    """The shared store: Redis, failing open on connection trouble (see the module docstring)."""

    def __init__(self, url: str, prefix: str) -> None:
        self._client = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        self._prefix = prefix
        self._incr = self._client.register_script(_INCR)
        self._set_min = self._client.register_script(_SET_MIN)

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    def _run(self, default: T, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return operation(*args, **kwargs)
        except redis.RedisError as exc:
            logger.warning("redis unavailable (%s): upstream guards are off", type(exc).__name__)
            return default

    def get(self, key: str) -> str | None:
        return self._run(None, self._client.get, self._key(key))

    def set(self, key: str, value: str, ttl: float) -> None:
        self._run(None, self._client.set, self._key(key), value, px=_ms(ttl))

    def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(self._run(True, self._client.set, self._key(key), value, px=_ms(ttl), nx=True))

    def incr(self, key: str, ttl: float) -> int:
        return int(self._run(0, self._incr, keys=[self._key(key)], args=[_ms(ttl)]))

    def set_min(self, key: str, value: int, ttl: float) -> int:
        return int(self._run(value, self._set_min, keys=[self._key(key)], args=[value, _ms(ttl)]))

    def delete(self, *keys: str) -> None:
        self._run(None, self._client.delete, *(self._key(key) for key in keys))


class MemoryStore:
    """A process-local store: for embedded mode (no Redis) and for pure unit tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] <= self._clock():
            del self._data[key]
            return None
        return item[0]

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def set(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._data[key] = (value, self._clock() + ttl)

    def add(self, key: str, value: str, ttl: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, self._clock() + ttl)
            return True

    def incr(self, key: str, ttl: float) -> int:
        with self._lock:
            current = self._live(key)
            if current is None:
                self._data[key] = ("1", self._clock() + ttl)
                return 1
            value = int(current) + 1
            self._data[key] = (str(value), self._data[key][1])
            return value

    def set_min(self, key: str, value: int, ttl: float) -> int:
        with self._lock:
            current = self._live(key)
            if current is not None and int(current) <= value:
                value = int(current)
            self._data[key] = (str(value), self._clock() + ttl)
            return value

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


@functools.cache
def _store_for(url: str, prefix: str, embedded: bool) -> Store:
    return MemoryStore() if embedded else RedisStore(url, prefix)


def default_store() -> Store:
    """The store shared by every process of this installation (one per settings)."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "jasan")
    return _store_for(settings.REDIS_URL, f"{prefix}:brokers:", settings.EMBEDDED)


# --- circuit breaker ---------------------------------------------------------------------


class CircuitOpen(PlatformError):
    """No call was made: the broker's circuit is open (or its one probe is in flight)."""

    def __init__(self, broker: str, retry_after: float) -> None:
        super().__init__(
            TRANSIENT,
            f"circuit open for broker {broker}: no call made",
            retry_after=round(max(retry_after, BACKOFF_FLOOR_SECONDS), 3),
        )
        self.broker = broker


class CircuitBreaker:
    """A per-broker circuit shared by all processes.

    State is three keys: the count of consecutive transient failures, the time until which the
    circuit stays open, and the half-open probe's slot. Times come from `clock` (wall time,
    shared across machines) so that tests can move it.
    """

    def __init__(
        self,
        name: str,
        *,
        store: Store | None = None,
        threshold: int | None = None,
        cooldown: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._store = store or default_store()
        self.threshold = threshold or settings.OPENPLATFORM_BREAKER_THRESHOLD
        self.cooldown = cooldown if cooldown is not None else settings.OPENPLATFORM_BREAKER_COOLDOWN
        self._clock = clock
        self._failures_key = f"breaker:{name}:failures"
        self._open_key = f"breaker:{name}:open_until"
        self._probe_key = f"breaker:{name}:probe"

    @property
    def _memory(self) -> float:
        # Failure counts are forgotten after a day without failures, so an old streak cannot
        # open a circuit on today's first error.
        return self.cooldown + _DAY_SECONDS

    def failures(self) -> int:
        return int(self._store.get(self._failures_key) or 0)

    def before_call(self) -> None:
        """Raise `CircuitOpen` unless a call may go out now."""
        if self.failures() < self.threshold:
            return
        remaining = float(self._store.get(self._open_key) or 0) - self._clock()
        if remaining > 0:
            raise CircuitOpen(self.name, remaining)
        # Cooled down: half-open. Exactly one caller gets the probe slot.
        if not self._store.add(self._probe_key, "1", PROBE_SECONDS):
            raise CircuitOpen(self.name, backoff_delay(1))

    def record_success(self) -> None:
        self._store.delete(self._failures_key, self._open_key, self._probe_key)

    def record_failure(self) -> None:
        failures = self._store.incr(self._failures_key, self._memory)
        if failures >= self.threshold:
            self._store.set(self._open_key, repr(self._clock() + self.cooldown), self._memory)
            self._store.delete(self._probe_key)
            if failures == self.threshold:
                logger.warning("circuit opened for broker %s", self.name)

    def release_probe(self) -> None:
        """Give the probe slot back without a verdict (the call said nothing about the broker)."""
        self._store.delete(self._probe_key)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Refuse the call while open; record how it went when it ends.

        Transient failures count against the broker. Rate limits say nothing about the
        broker's health (they are ours to respect), so they leave the count as it is. Any
        other answer, even an error such as a missing consent, shows the broker is reachable.
        """
        self.before_call()
        try:
            yield
        except PlatformError as exc:
            if exc.kind == TRANSIENT:
                self.record_failure()
            elif exc.kind == RATE_LIMITED:
                self.release_probe()
            else:
                self.record_success()
            raise
        except BaseException:
            self.release_probe()
            raise
        self.record_success()


# --- budgets -----------------------------------------------------------------------------


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
        ttl = 2 * _DAY_SECONDS
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
        used = self._store.incr(self._key(user_id, now.date()), 2 * _DAY_SECONDS)
        if used > self.limit:
            raise PlatformError(
                RATE_LIMITED,
                "the user's daily call budget is spent: no call made",
                retry_after=round(_seconds_to_utc_midnight(now), 3),
            )

    def used(self, user_id: int) -> int:
        return int(self._store.get(self._key(user_id, self._now().date())) or 0)


# --- short cache -------------------------------------------------------------------------


class AnswerCache:
    """Balance and portfolio answers per account for a few seconds, stored as JSON."""

    def __init__(self, *, store: Store | None = None, seconds: int | None = None) -> None:
        self._store = store or default_store()
        self.seconds = settings.OPENPLATFORM_CACHE_SECONDS if seconds is None else seconds

    @staticmethod
    def _key(service: str, account_key: str) -> str:
        return f"answer:v{_CACHE_VERSION}:{service}:{account_key}"

    def get(self, service: str, account_key: str, kind: type[T]) -> T | None:
        if not self.seconds:
            return None
        text = self._store.get(self._key(service, account_key))
        if text is None:
            return None
        try:
            return codec.loads(kind, text)
        except ValueError:
            # An entry written by another version of the code: a miss, not an error.
            return None

    def put(self, service: str, account_key: str, value: Any) -> None:
        if self.seconds:
            self._store.set(self._key(service, account_key), codec.dumps(value), self.seconds)
