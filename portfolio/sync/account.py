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
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from brokers.clients import get_upstream
from brokers.errors import ACCOUNT_GONE, REAUTH_REQUIRED, PlatformError
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.models.accounts import SyncProblem
from brokers.resilience.backoff import backoff_delay
from brokers.services import (
    connection_reconnect_needed_mark,
)
from brokers.upstream import CallContext, Upstream
from portfolio.sync import runs
from portfolio.sync.fetch import fetch_with_fresh_token
from portfolio.sync.store import write_fetched
from portfolio.trading_days import is_trading_day

logger = logging.getLogger(__name__)


def sync_date() -> datetime.date:
    """The date a sync is for: today in Korea, where the markets and the brokers are."""
    return timezone.localdate()


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
        fetched = fetch_with_fresh_token(client, connection, account, day, context)
        write_fetched(account, fetched, day, run_id=run_id, calls=used())
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
