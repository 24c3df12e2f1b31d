"""Celery tasks about connections and sync-run records. Thin wrappers: the work is in plain
functions."""

from __future__ import annotations

from celery import shared_task

from brokers.expiry import connections_expiry_sweep
from brokers.run_retention import sync_runs_prune


@shared_task(name="brokers.connections_expiry_sweep")
def connections_expiry_sweep_task() -> dict[str, int]:
    """Daily (beat, 08:00 KST): renew access nearing expiry, e-mail expiry warnings.

    Costs one token-endpoint call per connection within a week of expiry that has a refresh
    token; nothing else reaches the upstream.
    """
    report = connections_expiry_sweep()
    return {
        "refreshed": report.refreshed,
        "refresh_failed": report.refresh_failed,
        "marked_reconnect": report.marked_reconnect,
        "mails": len(report.mails),
    }


@shared_task(name="brokers.sync_runs_prune")
def sync_runs_prune_task() -> dict[str, int]:
    """Daily (beat, 04:10 KST): delete the sync-run records the retention policy no longer
    keeps (`brokers.run_retention`). No upstream call."""
    report = sync_runs_prune()
    return {"failed": report.failed, "finished": report.finished}
