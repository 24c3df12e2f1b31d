"""Transactions in windows no longer than the broker's known maximum.

A 6006 (or a 6005, too many results) splits the window (to the days the error names, else in
halves) and the narrower limit is kept for the rest of the range. Rows are never deduplicated:
the platform gives no id, and two equal rows on one day are two transactions. A window whose
paging did not finish is a transient failure: its rows would replace stored ones they do not
cover.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from brokers.errors import RANGE_EXCEEDED, TOO_MANY_RESULTS, TRANSIENT, PlatformError
from brokers.openplatform.paging import Paged
from brokers.records import Transaction, TransactionPage


def transactions_by_window(
    read_window: Callable[[datetime.date, datetime.date], Paged[TransactionPage]],
    start: datetime.date,
    end: datetime.date,
    limit: int | None,
) -> tuple[Transaction, ...]:
    """Every transaction from `start` to `end` (both included), read by `read_window` in
    windows of at most `limit` days (None: one window)."""
    if start > end:
        raise ValueError("start must not be after end")
    rows: list[Transaction] = []
    cursor = start
    while cursor <= end:
        window_end = end if limit is None else min(end, cursor + _days(limit - 1))
        days = (window_end - cursor).days + 1
        try:
            paged = read_window(cursor, window_end)
        except PlatformError as exc:
            if exc.kind not in (RANGE_EXCEEDED, TOO_MANY_RESULTS) or days <= 1:
                raise
            # Ask again from the same day with the narrower window, and keep it for the
            # rest of the range: the broker's limit does not change between windows.
            limit = narrower_window(days, exc)
            continue
        if not paged.complete:
            # Rows of a window replace the stored ones of its days: a window read in part
            # would delete what it missed. Ask again later.
            raise PlatformError(TRANSIENT, "transaction paging did not reach its end")
        rows.extend(row for page in paged.pages for row in page.transactions)
        cursor = window_end + _days(1)
    return tuple(rows)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def narrower_window(days: int, error: PlatformError) -> int:
    """The window length to use after a window of `days` days was refused.

    The broker's own maximum when the error names one below `days`, else half the window.
    """
    if error.kind == RANGE_EXCEEDED and error.max_days and error.max_days < days:
        return error.max_days
    return max(1, days // 2)
