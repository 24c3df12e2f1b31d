"""Backoff: the delay a transient or rate-limited failure suggests to the caller that retries."""

from __future__ import annotations

import random
from collections.abc import Callable

from brokers.errors import RATE_LIMITED, TRANSIENT, PlatformError

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
# The floor keeps a suggested delay from reading as "no delay" to a caller testing truthiness.
BACKOFF_FLOOR_SECONDS = 0.1


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
