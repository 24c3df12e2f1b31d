"""The circuit breaker per broker, shared by every process through the store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from brokers.errors import RATE_LIMITED, TRANSIENT, PlatformError
from brokers.resilience.backoff import BACKOFF_FLOOR_SECONDS, backoff_delay
from brokers.resilience.stores import DAY_SECONDS, Store, default_store

logger = logging.getLogger(__name__)

# A half-open probe holds its slot at most this long: longer than a call can take (connect +
# read timeouts), so a probe that died with its worker frees the slot by itself.
PROBE_SECONDS = 45


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
        return self.cooldown + DAY_SECONDS

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
