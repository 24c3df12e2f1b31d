"""One account's sync. (Queueing syncs: `portfolio.sync.enqueue`; the nightly plan:
`portfolio.sync.nightly`.)

One account's sync (`account_sync`) fetches first and writes after:

1. claim the account by starting its run (`portfolio.sync.runs`: at most one running run per
   account, so a second sync exits as skipped "already running");
2. make sure the access token is good (`connection_ensure_fresh`);
3. fetch the balance (every asset type, every page), or the portfolio where the broker gives
   ratios only; then transactions, but only when they can have changed: the balance's
   positions or cash differ from the last sync's (`balance_fingerprint`), or no window was
   read for `SWEEP_DAYS` (a sweep that catches what the balance cannot show, such as a deposit
   withdrawn the same day), each window re-reading `OVERLAP_DAYS` already synced days to pick
   up late corrections; and the watchlist once every `WATCHLIST_DAYS`;
4. write everything, the account's sync state and the run's success in ONE database
   transaction, so a sync that fails, is killed or times out leaves the previous data whole.

A sync keeps what it read completely. When the balance was read but the transactions due with
it failed (transiently: a timeout, a cut-off body, paging that looped), the balance is stored
and the user sees today's figures, but the day's valuation is marked `flows_pending`: its
deposits and withdrawals are unknown, so the returns leave that day out instead of counting a
deposit as a gain. The fingerprint and `transactions_synced_through` are not advanced, so the
next attempt (queued as for any transient failure) or the next night reads the same window
again; once it is read, the flows are recomputed and the pending mark is cleared. The run is
recorded as failed with the transactions' error kind, and its detail says the balance was kept.
A list whose paging looped keeps only the summary's valuation (holdings stay as they were). A
query whose counts (`totalCnt`/`count`) disagree with its rows, or whose paging restarted or
stopped, is described in the run's detail under `paging` (pages, items, counts, how it ended).

Nightly syncs are for KRX trading days only (`portfolio.trading_days`): a nightly run on a
holiday is skipped and no call goes out.

"Something moved" has to be known before writing, since the transactions must be fetched
before the transaction that writes them begins: the fingerprint is a digest of what a trade or
a cash movement changes (each position's quantity and purchase value, and cash) and not of
prices, which move every day. Ratio-only accounts fingerprint the set of instruments held, as
their weights move with prices; a trade that keeps the set waits for the periodic sweep.

Errors: transient and rate-limited failures come back in the outcome with the delay the
client suggests, for the task to retry; permanent ones update the state the user sees (the
connection needs reconnecting, the account needs consent, the account is gone) and stop.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from brokers.clients import get_upstream
from brokers.errors import ACCOUNT_GONE, REAUTH_REQUIRED, PlatformError
from brokers.models import Connection, LinkedAccount, SyncProblem, SyncRun
from brokers.registry import REFUSED, service_state
from brokers.resilience import backoff_delay
from brokers.services import (
    connection_ensure_fresh,
    connection_reconnect_needed_mark,
    connection_refresh,
)
from brokers.upstream import Balance, CallContext, Portfolio, RatiosOnly, Upstream

if TYPE_CHECKING:
    pass

from portfolio.services.holdings import account_balance_apply, account_ratios_apply
from portfolio.services.transactions import account_transactions_replace
from portfolio.services.valuations import account_flows_pending_mark, account_flows_settle
from portfolio.services.watchlists import account_watchlist_replace
from portfolio.sync import runs
from portfolio.trading_days import is_trading_day

logger = logging.getLogger(__name__)

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


def sync_date() -> datetime.date:
    """The date a sync is for: today in Korea, where the markets and the brokers are."""
    return timezone.localdate()


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


# --- one account ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """How a sync ended.

    retry_after: set when trying again later can succeed (a transient or rate-limited failure).
    retry_run_id: the queued run of the next attempt, when one was queued (see `account_sync`).
    """

    state: str
    run_id: int | None = None
    failure_kind: str = ""
    retry_after: float | None = None
    calls: int = 0
    retry_run_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "run_id": self.run_id,
            "failure_kind": self.failure_kind,
            "retry_after": self.retry_after,
            "calls": self.calls,
            "retry_run_id": self.retry_run_id,
        }


@dataclass(frozen=True, slots=True)
class _Fetched:
    """Everything one sync read, before anything is written."""

    answer: Balance | Portfolio  # a portfolio where the broker gives ratios only
    fingerprint: str
    moved: bool
    window: tuple[datetime.date, datetime.date] | None
    transactions: tuple[Any, ...] = ()
    watchlist: tuple[Any, ...] | None = None
    dropped: int = 0  # transaction rows dated outside the window asked for
    # The transactions due could not be read (a transient failure): the balance is kept and
    # its valuation's flows are pending (see the module docstring).
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
) -> _Fetched:
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
            return _Fetched(
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
    return _Fetched(
        answer, fingerprint, moved, window, rows, watchlist, dropped, paging=tuple(context.notes)
    )


def _fetch_with_fresh_token(
    upstream: Upstream,
    connection: Connection,
    account: LinkedAccount,
    as_of: datetime.date,
    context: CallContext,
) -> _Fetched:
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


def _write(
    account: LinkedAccount, fetched: _Fetched, as_of: datetime.date, *, run_id: int, calls: int
) -> dict[str, Any]:
    """Write one sync's data, the account's sync state and the run's success, atomically.
    A fixed number of statements, whatever the number of holdings or transactions."""
    detail: dict[str, Any] = {"moved": fetched.moved}
    if fetched.paging:
        detail["paging"] = list(fetched.paging)
    with transaction.atomic():
        answer = fetched.answer
        if isinstance(answer, Balance):
            applied = account_balance_apply(
                account=account,
                as_of=as_of,
                summary=answer.summary,
                equities=answer.equities,
                funds=answer.funds,
                others=answer.others,
                lists_complete=answer.complete,
            )
            detail["source"] = "balance"
        else:
            applied = account_ratios_apply(account=account, as_of=as_of, portfolio=answer)
            detail["source"] = "portfolio"
        detail["holdings"] = len(answer.equities) + len(answer.funds) + len(answer.others)
        detail.update(opened=applied.opened, closed=applied.closed, stale_answer=applied.stale)
        if not answer.complete:
            detail["lists_complete"] = False
        now = timezone.now()
        if not fetched.complete:
            return _write_partial(account, fetched, as_of, applied.stale, detail, run_id, calls)
        state: dict[str, Any] = {
            "last_success_at": now,
            "sync_problem": "",
            "sync_problem_at": None,
        }
        if not applied.stale:
            state.update(synced_as_of=as_of, balance_fingerprint=fetched.fingerprint)
        if fetched.window is not None:
            start, end = fetched.window
            replaced = account_transactions_replace(
                account=account, start=start, end=end, transactions=fetched.transactions
            )
            detail["transactions"] = {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "read": len(fetched.transactions),
                "inserted": replaced.inserted,
                "deleted": replaced.deleted,
                "outside_window": fetched.dropped,
            }
            state["transactions_synced_through"] = end
            if account.flows_pending_from is not None:
                account_flows_settle(account=account, through=end)
                state["flows_pending_from"] = None
        if fetched.watchlist is not None:
            detail["watch_groups"] = account_watchlist_replace(
                account=account, groups=fetched.watchlist
            )
            state["watchlist_synced_on"] = as_of
        LinkedAccount.objects.filter(pk=account.pk).update(**state)
        runs.run_succeed(run_id=run_id, calls_used=calls, detail=detail, now=now)
    return detail


def _write_partial(
    account: LinkedAccount,
    fetched: _Fetched,
    as_of: datetime.date,
    stale: bool,
    detail: dict[str, Any],
    run_id: int,
    calls: int,
) -> dict[str, Any]:
    """The rest of `_write` (inside its transaction) when the transactions failed: the balance
    stays, its flows are pending, nothing that would skip the next read is advanced, and the
    run fails with the transactions' error and says what was kept."""
    error = fetched.transactions_error
    if error is None:
        raise ValueError("only a partial fetch (one whose transactions failed) is kept in part")
    account_flows_pending_mark(account=account, as_of=as_of)
    detail["kept"] = "balance"
    detail["transactions"] = {"failed": error.kind}
    if error.retry_after is not None:
        detail["retry_after"] = error.retry_after
    state: dict[str, Any] = {"flows_pending_from": account.flows_pending_from or as_of}
    if not stale:
        state["synced_as_of"] = as_of
    LinkedAccount.objects.filter(pk=account.pk).update(**state)
    done = runs.run_fail(
        run_id=run_id,
        kind=error.kind,
        calls_used=calls,
        message=f"balance kept; transactions not read: {error.message}",
        platform_code=error.code,
        detail=detail,
    )
    if not done:
        raise runs.ClaimLost(f"run {run_id} was no longer running")
    return detail


def _record_problem(account: LinkedAccount, connection: Connection, error: PlatformError) -> None:
    """Make a permanent refusal visible where the user and support look, and stop there."""
    now = timezone.now()
    if error.kind == REAUTH_REQUIRED:
        connection_reconnect_needed_mark(connection=connection, kind=error.kind, now=now)
    elif error.kind in SyncProblem.values:
        state: dict[str, Any] = {"sync_problem": error.kind, "sync_problem_at": now}
        if error.kind == ACCOUNT_GONE:
            state.update(status=LinkedAccount.Status.UNLINKED, updated_at=now)
        LinkedAccount.objects.filter(pk=account.pk).update(**state)


def _not_syncable(account: LinkedAccount, connection: Connection) -> str | None:
    """Why the account cannot be synced at all now, without calling anyone; None if it can."""
    if account.status != LinkedAccount.Status.LINKED:
        return runs.UNLINKED
    if connection.status == Connection.Status.REVOKED:
        return runs.NOT_CONNECTED
    if connection.status == Connection.Status.RECONNECT_NEEDED:
        return REAUTH_REQUIRED
    return None


def _connection_of(account: LinkedAccount) -> Connection | None:
    return (
        Connection.objects.select_related("user__identity")
        .filter(user_id=account.user_id, upstream=Connection.Upstream.OPENPLATFORM)
        .first()
    )


def account_sync(
    *,
    account_id: int,
    trigger: str,
    attempt: int = 1,
    run_id: int | None = None,
    as_of: datetime.date | None = None,
    ip_address: str | None = None,
    upstream: Upstream | None = None,
    max_attempts: int = 1,
) -> SyncOutcome:
    """Sync one linked account (see the module docstring) and record it as a run.

    run_id: the queued run to carry out (made when the task was enqueued); a new run is made
        when None. A run that is no longer queued (a redelivered message) is left alone.
    as_of: the date to sync as of; today in Korea by default. A past date is asked of the
        sandbox with its as-of header (demo history, benchmarks) and never served from cache.
    ip_address: the user's address when they asked for the sync ("sync now").
    upstream: the client to use; one is made (and closed) when None.
    max_attempts: attempts allowed in all. When a transient failure leaves some and the
        suggested delay fits below CELERY_MAX_COUNTDOWN, the next attempt's run is queued (in
        the transaction that fails this one, so a page never sees the account idle between
        them) and returned for the caller (the Celery task) to carry out after the delay.
    """
    account = LinkedAccount.objects.select_related("broker").filter(pk=account_id).first()
    if account is None:
        return SyncOutcome(state=SyncRun.State.SKIPPED, failure_kind=runs.UNLINKED)
    if run_id is None:
        run_id = runs.run_queue(account_id=account.pk, trigger=trigger, attempt=attempt).pk
    connection = _connection_of(account)
    reason = runs.NOT_CONNECTED if connection is None else _not_syncable(account, connection)
    if connection is None or reason is not None:
        skipped = reason or runs.NOT_CONNECTED
        runs.run_skip(run_id=run_id, kind=skipped)
        return SyncOutcome(state=SyncRun.State.SKIPPED, run_id=run_id, failure_kind=skipped)
    day = as_of or sync_date()
    if trigger == SyncRun.Trigger.NIGHTLY and as_of is None and not is_trading_day(day):
        runs.run_skip(run_id=run_id, kind=runs.HOLIDAY)
        return SyncOutcome(state=SyncRun.State.SKIPPED, run_id=run_id, failure_kind=runs.HOLIDAY)
    if not runs.run_start(run_id=run_id, as_of=day):
        kind = SyncRun.objects.filter(pk=run_id).values_list("failure_kind", flat=True).first()
        return SyncOutcome(
            state=SyncRun.State.SKIPPED, run_id=run_id, failure_kind=kind or runs.SUPERSEDED
        )
    context = CallContext(ip_address=ip_address, attempt=attempt, as_of=as_of)
    own_client = upstream is None
    client = upstream or get_upstream()
    before = getattr(client, "calls", 0)

    def used() -> int:
        return getattr(client, "calls", 0) - before

    try:
        fetched = _fetch_with_fresh_token(client, connection, account, day, context)
        _write(account, fetched, day, run_id=run_id, calls=used())
        if fetched.transactions_error is not None:
            # The run is already failed, with the balance kept: only the retry remains to do.
            raise fetched.transactions_error
    except PlatformError as exc:
        logger.info("sync of account %s failed: %s", account.pk, exc.kind)
        if exc.permanent:
            runs.run_fail_platform(run_id=run_id, error=exc, calls_used=used())
            _record_problem(account, connection, exc)
            return SyncOutcome(SyncRun.State.FAILED, run_id, exc.kind, None, used())
        delay = exc.retry_after or backoff_delay(attempt)
        retry_run_id = None
        with transaction.atomic():
            runs.run_fail_platform(run_id=run_id, error=exc, calls_used=used())
            if attempt < max_attempts and delay <= settings.CELERY_MAX_COUNTDOWN:
                retry_run_id = runs.run_queue(
                    account_id=account.pk, trigger=SyncRun.Trigger.RETRY, attempt=attempt + 1
                ).pk
        return SyncOutcome(SyncRun.State.FAILED, run_id, exc.kind, delay, used(), retry_run_id)
    except runs.ClaimLost:
        logger.warning("sync of account %s outlived its run; its writes were undone", account.pk)
        return SyncOutcome(SyncRun.State.FAILED, run_id, runs.STALE, None, used())
    except Exception as exc:
        # Celery's soft time limit raises inside the sync: a timeout, not a bug of ours.
        kind = runs.TIMEOUT if type(exc).__name__ == "SoftTimeLimitExceeded" else runs.INTERNAL
        if kind == runs.INTERNAL:
            logger.exception("sync of account %s failed", account.pk)
        runs.run_fail(run_id=run_id, kind=kind, calls_used=used())
        return SyncOutcome(SyncRun.State.FAILED, run_id, kind, None, used())
    finally:
        if own_client:
            client.close()
    logger.info("sync of account %s succeeded with %s calls", account.pk, used())
    return SyncOutcome(SyncRun.State.SUCCEEDED, run_id, "", None, used())
