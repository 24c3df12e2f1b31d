"""What moved since an account's last sync, and so what is due to be read: the fingerprint of
a balance or portfolio, the transaction window, the watchlist's turn."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from brokers.models import LinkedAccount
from brokers.upstream import Balance, Portfolio

# Days already synced that each transaction window reads again, for late corrections.
OVERLAP_DAYS = 3
# Read transactions at least this often even when the balance shows no movement. What only a
# sweep finds leaves positions and cash as they were (a deposit withdrawn the same day, a late
# correction), so it changes no value and no return: a fortnight is soon enough, and every
# account-day it saves is a call (bench_sync: about 0.1 call per account-day less than weekly).
SWEEP_DAYS = 14
# Watchlists change rarely and cost a call: once a week.
WATCHLIST_DAYS = 7
# How far back an account's first sync reads transactions.
FIRST_TRANSACTION_DAYS = 365


# --- what moved ---------------------------------------------------------------------------------


def _digest(parts: Iterable[tuple[Any, ...]]) -> str:
    text = "\n".join("|".join("" if v is None else str(v) for v in part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def _amount(value: Any) -> str:
    # 1.0E10 and 10000000000 are the same amount: compare normalised decimals.
    return "" if value is None else format(value.normalize(), "f")


def balance_fingerprint(balance: Balance) -> str:
    """A digest of what trades and cash movements change in a balance, and prices do not."""
    summary = balance.summary
    cash = (
        ("cash", *(_amount(getattr(summary, name)) for name in ("cash_balance", "d1", "d2")))
        if summary is not None
        else ("cash",)
    )
    positions: list[tuple[Any, ...]] = [
        ("E", h.isin, h.trade_type, _amount(h.qty), _amount(h.val_at_trade))
        for h in balance.equities
    ]
    positions += [("F", h.fund_code, "", "", _amount(h.val_at_trade)) for h in balance.funds]
    positions += [
        ("O", h.isin or h.name, h.asset_type, h.trade_type, _amount(h.qty), _amount(h.val_at_trade))
        for h in balance.others
    ]
    return _digest([cash, *sorted(positions)])


def portfolio_fingerprint(portfolio: Portfolio) -> str:
    """Ratio-only accounts: the instruments held (weights move with prices every day)."""
    held: list[tuple[str | None, ...]] = [("E", h.isin) for h in portfolio.equities]
    held += [("F", h.fund_code) for h in portfolio.funds]
    held += [("O", h.isin or h.name, h.asset_type) for h in portfolio.others]
    return _digest(sorted(held, key=str))


def transaction_window(
    account: LinkedAccount, as_of: datetime.date, *, moved: bool
) -> tuple[datetime.date, datetime.date] | None:
    """The transaction window to read on `as_of`, or None when none is due.

    First sync: the last FIRST_TRANSACTION_DAYS. Afterwards, from OVERLAP_DAYS before the last
    day read, when the balance moved or SWEEP_DAYS passed without reading. Never when a later
    day was already read (a backfill of an earlier day has nothing to add).
    """
    through = account.transactions_synced_through
    if through is None:
        return as_of - datetime.timedelta(days=FIRST_TRANSACTION_DAYS), as_of
    if through > as_of:
        return None
    if not moved and (as_of - through).days < SWEEP_DAYS:
        return None
    return through - datetime.timedelta(days=OVERLAP_DAYS), as_of


def watchlist_due(account: LinkedAccount, as_of: datetime.date) -> bool:
    synced = account.watchlist_synced_on
    return synced is None or (as_of - synced).days >= WATCHLIST_DAYS
