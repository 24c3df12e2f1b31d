"""How long sync-run records are kept (`SyncRun`): a retention policy, run daily.

A run record is written for every sync of every account, about one a trading day per account
and more with "sync now" and retries: kept for ever they were two thirds of what an account
stores in a year (`bench_sync`). What is read back from them is recent or rare:

- the dashboard's sync history and support's run list show the newest few runs of an account;
- the nightly plan averages the calls of an account's successful runs of the last two weeks,
  and ranks users by their last "sync now";
- support counts the failures of the last day and the calls of today;
- a failure is what someone may want to look into weeks later.

So, for each account:

- runs still queued or running are never touched (the sweeper closes them);
- every failed run is kept for `FAILED_DAYS` (90) days after it was created;
- of the succeeded and skipped runs, the newest `KEEP_FINISHED` (30) are kept, every run of
  the last `RECENT_DAYS` (14) days is kept whatever their number, and so is the newest run of
  each trigger (the user's last "sync now" stays the last one);
- everything else is deleted.

At steady state an account keeps about `KEEP_FINISHED` finished runs plus its failures of the
last 90 days, whatever its age. Deleting is idempotent: a second pass deletes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from brokers.models import SyncRun

FAILED_DAYS = 90
KEEP_FINISHED = 30
# The nightly plan's cost history (portfolio.sync.nightly.COST_HISTORY_DAYS) is 14 days: its
# runs stay.
RECENT_DAYS = 14


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What one pass deleted."""

    failed: int
    finished: int

    @property
    def deleted(self) -> int:
        return self.failed + self.finished


def sync_runs_prune(*, now: datetime.datetime | None = None) -> RetentionReport:
    """Delete the sync-run records the policy (module docstring) no longer keeps. 2 statements,
    whatever the number of accounts or runs."""
    now = now or timezone.now()
    failed, _ = SyncRun.objects.filter(
        state=SyncRun.State.FAILED, created_at__lt=now - datetime.timedelta(days=FAILED_DAYS)
    ).delete()
    finished = SyncRun.objects.filter(state__in=[SyncRun.State.SUCCEEDED, SyncRun.State.SKIPPED])
    ranked = finished.annotate(
        newest=Window(RowNumber(), partition_by=[F("account_id")], order_by=F("id").desc()),
        newest_of_trigger=Window(
            RowNumber(), partition_by=[F("account_id"), F("trigger")], order_by=F("id").desc()
        ),
    ).filter(newest__gt=KEEP_FINISHED, newest_of_trigger__gt=1)
    # The age is tested outside the ranking: inside, it would change which runs are newest.
    old, _ = SyncRun.objects.filter(
        pk__in=ranked.values("pk"),
        created_at__lt=now - datetime.timedelta(days=RECENT_DAYS),
    ).delete()
    return RetentionReport(failed=failed, finished=old)
