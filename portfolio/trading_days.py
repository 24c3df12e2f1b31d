"""Trading days of the Korea Exchange (KRX), from the maintained `exchange-calendars` package.

Weekends are not the only days the market is shut: 설날, 추석, election days and the year-end
closing day are too. The nightly sync, the demo backfill, the benchmarks, the return figures
and the overview's "previous trading day" all ask here.

Building the XKRX calendar imports pandas and takes seconds, so it is done once per process at
most, lazily, and the resulting set of session dates is shared through Django's cache (Redis
in production) for a day, so most processes never import the package at all. Dates outside the
calendar's bounds (before START, or past the end of the year after next) fall back to
Monday–Friday: the app has no data there that a holiday could matter to.
"""

from __future__ import annotations

import datetime
import functools
import logging
import warnings

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

EXCHANGE = "XKRX"
# Covers every account history the app keeps (accounts a few years old, a year of backfill).
START = datetime.date(2005, 1, 1)
_CACHE_SECONDS = 24 * 60 * 60


def _end() -> datetime.date:
    # Korean holidays follow the lunar calendar, which the package computes for future years;
    # two years ahead covers every schedule the app makes.
    return datetime.date(timezone.localdate().year + 2, 12, 31)


@functools.cache
def _sessions() -> tuple[datetime.date, datetime.date, frozenset[datetime.date]]:
    end = _end()
    key = f"trading-days:{EXCHANGE}:{START.isoformat()}:{end.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return START, end, cached
    with warnings.catch_warnings():
        # pandas deprecations inside the package's own code: nothing for us to act on.
        warnings.simplefilter("ignore")
        import exchange_calendars  # seconds of import: only here, once per process at most

        calendar = exchange_calendars.get_calendar(
            EXCHANGE, start=START.isoformat(), end=end.isoformat()
        )
        sessions = frozenset(session.date() for session in calendar.sessions)
    cache.set(key, sessions, _CACHE_SECONDS)
    logger.info("loaded %s %s sessions %s…%s", len(sessions), EXCHANGE, START, end)
    return START, end, sessions


def is_trading_day(day: datetime.date) -> bool:
    """Whether the KRX is open on `day`."""
    start, end, sessions = _sessions()
    if start <= day <= end:
        return day in sessions
    return day.weekday() < 5


def trading_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The trading days from `start` to `end`, both included, in order."""
    days = (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if is_trading_day(day)]


def previous_trading_day(day: datetime.date) -> datetime.date:
    """The last trading day before `day`."""
    day -= datetime.timedelta(days=1)
    while not is_trading_day(day):
        day -= datetime.timedelta(days=1)
    return day
