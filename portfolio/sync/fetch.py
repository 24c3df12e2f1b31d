"""What one sync reads from the broker, before anything is written."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from brokers.errors import REAUTH_REQUIRED, PlatformError
from brokers.models import Connection, LinkedAccount
from brokers.registry import REFUSED, service_state
from brokers.services import (
    connection_ensure_fresh,
    connection_refresh,
)
from brokers.upstream import Balance, CallContext, Portfolio, RatiosOnly, Upstream
from portfolio.sync.due import (
    balance_fingerprint,
    portfolio_fingerprint,
    transaction_window,
    watchlist_due,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fetched:
    """Everything one sync read, before anything is written."""

    answer: Balance | Portfolio  # a portfolio where the broker gives ratios only
    fingerprint: str
    moved: bool
    window: tuple[datetime.date, datetime.date] | None
    transactions: tuple[Any, ...] = ()
    watchlist: tuple[Any, ...] | None = None
    dropped: int = 0  # transaction rows dated outside the window asked for
    # The transactions due could not be read (a transient failure): the balance is kept and
    # its valuation's flows are pending (see `portfolio.sync.account`).
    transactions_error: PlatformError | None = None
    paging: tuple[dict[str, Any], ...] = ()

    @property
    def complete(self) -> bool:
        return self.transactions_error is None


def _fetch(
    upstream: Upstream,
    connection: Connection,
    account: LinkedAccount,
    as_of: datetime.date,
    context: CallContext,
) -> Fetched:
    answer: Balance | Portfolio
    balance = upstream.balance(connection, account, context=context)
    if isinstance(balance, RatiosOnly):
        answer = upstream.portfolio(connection, account, context=context)
        fingerprint = portfolio_fingerprint(answer)
    else:
        answer = balance
        fingerprint = balance_fingerprint(balance)
    moved = fingerprint != account.balance_fingerprint
    window = transaction_window(account, as_of, moved=moved)
    rows: tuple[Any, ...] = ()
    dropped = 0
    if window is not None:
        start, end = window
        try:
            fetched = upstream.transactions(connection, account, start, end, context=context)
        except PlatformError as exc:
            # A permanent refusal (or a token to refresh) ends the whole sync; a transient one
            # keeps the balance already read completely.
            if exc.permanent or exc.kind == REAUTH_REQUIRED:
                raise
            logger.info("account %s: balance kept, transactions failed (%s)", account.pk, exc.kind)
            return Fetched(
                answer,
                fingerprint,
                moved,
                window,
                transactions_error=exc,
                paging=tuple(context.notes),
            )
        # The window's rows replace the stored ones of the same days: a row dated outside it
        # (a broker ignoring the dates asked for) would collide with rows it does not own.
        rows = tuple(row for row in fetched if start <= row.date <= end)
        dropped = len(fetched) - len(rows)
        if dropped:
            logger.warning("account %s: %s transactions outside the window", account.pk, dropped)
    watchlist = None
    if watchlist_due(account, as_of) and service_state(account.broker, "interest") != REFUSED:
        watchlist = upstream.watchlist(connection, account, context=context)
    return Fetched(
        answer, fingerprint, moved, window, rows, watchlist, dropped, paging=tuple(context.notes)
    )


def fetch_with_fresh_token(
    upstream: Upstream,
    connection: Connection,
    account: LinkedAccount,
    as_of: datetime.date,
    context: CallContext,
) -> Fetched:
    """Fetch; on a 401 refresh the token once (it may have been expired early upstream) and
    fetch again. A refused refresh marks the connection "reconnect needed" and raises."""
    connection = connection_ensure_fresh(connection=connection, upstream=upstream)
    try:
        return _fetch(upstream, connection, account, as_of, context)
    except PlatformError as exc:
        if exc.kind != REAUTH_REQUIRED or exc.http_status != 401:
            raise
    connection = connection_refresh(
        connection_id=connection.pk, stale_access_token=connection.access_token, upstream=upstream
    )
    return _fetch(upstream, connection, account, as_of, context)
