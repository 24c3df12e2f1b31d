"""Computed dashboard parts, kept in the cache until the data under them changes.

A user's figures change only when a sync writes, once a day or on "sync now", while the
dashboard is looked at many times in between: the overview's heavy part (figures, TWR chain,
allocations, top holdings, rendered) and the chart data are therefore computed on the first
view after a change and reused until the next one.

The key needs no query of its own: it is a digest of what every page reads anyway, each
account's holdings snapshot (which every sync of the account rewrites, with its time), latest
valuation (id, date and figures) and the number of days in its history (a backfilled past
day adds one), plus what the part depends on (range, split, privacy, language). A sync that
lands changes the digest, so the next view recomputes. Writes that change none of these (a
name learnt for an instrument from another account) show after at most CACHE_SECONDS.

Pages that show holdings and transactions only (holdings, by instrument, transactions,
realized P/L, an account's tables) key on less, read with the accounts alone (`tables_key`):
each account's sync marks (last success, the day synced, transactions read through, flows
pending; a sync that writes sets at least one) and its holdings snapshot's time.

Parts are keyed by user and privacy flag, so a part is never served to another user, and a
part rendered with amounts is never served in privacy mode.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from brokers.models import LinkedAccount
from portfolio.selectors.accounts import AccountRow

CACHE_SECONDS = 10 * 60

T = TypeVar("T")


def _account_stamp(row: AccountRow) -> str:
    snapshot = row.snapshot
    latest = row.latest
    parts = [
        str(row.account.pk),
        row.account.alias,
        row.account.status,
        snapshot.updated_at.isoformat() if snapshot is not None else "-",
        str(snapshot.as_of) if snapshot is not None else "-",
    ]
    if latest is not None:
        parts += [
            str(latest.pk),
            str(getattr(latest, "series_version", "")),
            str(latest.date),
            str(latest.total_value),
            str(latest.cash),
            str(latest.profit_loss),
            str(latest.purchase_value),
            str(latest.inflow),
            str(latest.outflow),
        ]
    return ",".join(parts)


def part_key(*, user_id: int, rows: Iterable[AccountRow], part: Iterable[object]) -> str:
    """The cache key of one part of a user's dashboard as of the data in `rows`."""
    stamp = "|".join(_account_stamp(row) for row in rows)
    described = "|".join(str(item) for item in part)
    digest = hashlib.sha256(f"{stamp}#{described}".encode()).hexdigest()[:40]
    return f"dashboard:{user_id}:{digest}"


def _sync_stamp(account: LinkedAccount) -> str:
    snapshot = getattr(account, "holdings_snapshot", None)
    return ",".join(
        str(part)
        for part in (
            account.pk,
            account.alias,
            account.status,
            account.last_success_at,
            account.synced_as_of,
            account.transactions_synced_through,
            account.flows_pending_from,
            snapshot.updated_at.isoformat() if snapshot is not None else "-",
            snapshot.as_of if snapshot is not None else "-",
        )
    )


def tables_key(*, user_id: int, accounts: Iterable[LinkedAccount], part: Iterable[object]) -> str:
    """The cache key of a page's holdings or transactions tables as of the accounts' last
    syncs (`accounts` read with their holdings snapshot)."""
    stamp = "|".join(_sync_stamp(account) for account in accounts)
    described = "|".join(str(item) for item in part)
    digest = hashlib.sha256(f"{stamp}#{described}".encode()).hexdigest()[:40]
    return f"dashboard:tables:{user_id}:{digest}"


def cached(key: str, build: Callable[[], T]) -> T:
    """The cached value of `key`, built and stored on a miss."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value
