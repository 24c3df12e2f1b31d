"""Celery tasks of the sync. Thin: each takes ids, calls one function of `portfolio.sync.account`
or `portfolio.sync.runs`, and returns a small JSON-able summary. The nightly task is in
`portfolio.sync.nightly` (it queues through `portfolio.sync.enqueue`, which imports this
module; nothing here imports either). Acknowledged late (settings), so each is
safe to run twice: a second delivery of an account sync finds its run no longer queued."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from brokers.models import SyncRun
from portfolio.sync.account import account_sync
from portfolio.sync.runs import runs_sweep_stale


@shared_task(bind=True, name="portfolio.account_sync", max_retries=None)
def account_sync_task(
    self: Any,
    account_id: int,
    *,
    run_id: int | None = None,
    trigger: str = SyncRun.Trigger.NIGHTLY,
    ip_address: str | None = None,
) -> dict[str, Any]:
    """Sync one linked account (enqueued by the nightly plan, "sync now" or support).

    Costs one balance call with ALL (one per asset type and page otherwise, or one portfolio
    call for ratio-only brokers), plus a transaction window when the balance moved or the
    fortnightly sweep is due, plus a watchlist call once a week: about 1.4 calls per
    account-day at a broker with ALL (bench_sync). Transient and rate-limited failures retry
    after the delay the client suggests, as a new run (trigger `retry`), at most
    SYNC_MAX_ATTEMPTS attempts in all; a delay longer than CELERY_MAX_COUNTDOWN (the daily
    budget is spent until midnight UTC) is not waited for: tomorrow's nightly run comes first.
    """
    outcome = account_sync(
        account_id=account_id,
        run_id=run_id,
        trigger=trigger,
        attempt=self.request.retries + 1,
        ip_address=ip_address,
        max_attempts=settings.SYNC_MAX_ATTEMPTS,
    )
    if outcome.retry_run_id is None or outcome.retry_after is None:
        return outcome.as_dict()
    raise self.retry(
        countdown=min(outcome.retry_after, settings.CELERY_MAX_COUNTDOWN),
        kwargs={
            "account_id": account_id,
            "run_id": outcome.retry_run_id,
            "trigger": SyncRun.Trigger.RETRY,
            "ip_address": ip_address,
        },
    )


@shared_task(name="portfolio.sync_runs_sweep")
def sync_runs_sweep_task() -> int:
    """Beat, every minute: fail runs whose worker died (interrupted), and runs left running past
    the time limit or queued past any delivery (stale), so nothing shows "syncing" for more than
    a minute after its worker is gone. No upstream call."""
    return runs_sweep_stale()
