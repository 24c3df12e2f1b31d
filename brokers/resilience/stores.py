"""The shared state of the upstream guards: Redis for every process, or memory in one process.

If Redis cannot be reached the Redis store fails open (reads nothing, counts nothing) with a
warning: an unreachable Redis must not turn into errors that look like the platform's.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long a day is, for the lifetimes of the keys that count per day.
DAY_SECONDS = 24 * 60 * 60


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
