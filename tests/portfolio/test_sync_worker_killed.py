"""A worker killed with SIGKILL in the middle of a sync (docs/reliability.md, property 1)."""

from __future__ import annotations

import datetime
import time

import pytest

from brokers.models import SyncRun
from brokers.sandbox import data
from portfolio.sync.account import account_sync
from portfolio.sync.enqueue import sync_enqueue
from portfolio.sync.runs import runs_sweep_stale, stale_after
from tests.portfolio.sync_support import (
    account_rows,
    expected_holdings,
    expected_transactions,
    stored_holdings,
    stored_transactions,
    wait_for,
)
from tests.sandbox_server import sandbox_today

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DIAMOND = "160678007213500001"


def test_a_worker_killed_mid_sync_leaves_the_data_whole_the_run_is_closed_and_the_next_succeeds(
    own_worker, sandbox, platform, hong
):
    account = hong.accounts[DIAMOND]
    yesterday = sandbox_today() - datetime.timedelta(days=1)
    account_sync(account_id=account.pk, trigger="user", as_of=yesterday, upstream=platform)
    before = account_rows(account)
    # Hold the worker's sync inside its balance call.
    sandbox.set_fault("latency", api="balance", vt_acc_no=DIAMOND, delay_ms=10_000)

    (queued,) = sync_enqueue(user=hong.user, account_id=account.pk).runs
    wait_for(
        lambda: SyncRun.objects.filter(pk=queued.pk, state="running").exists(),
        what="the worker to start the sync",
    )
    time.sleep(0.5)
    own_worker.kill()

    assert account_rows(account) == before
    queued.refresh_from_db()
    assert queued.state == "running"
    # Its worker's database session, and the run's lock with it, died with the process: the
    # next sweep (every minute) closes the run, well before the time limit.
    assert wait_for(runs_sweep_stale, timeout=5, what="the sweep to close the run") == 1
    queued.refresh_from_db()
    assert (queued.state, queued.failure_kind) == ("failed", "interrupted")
    assert queued.finished_at - queued.started_at < stale_after()

    sandbox.clear_faults()
    outcome = account_sync(account_id=account.pk, trigger="user", upstream=platform)

    assert outcome.state == "succeeded"
    truth = data.holdings_as_of(DIAMOND, "default", sandbox_today())
    assert stored_holdings(account) == expected_holdings(truth)
    # Every transaction of the year exactly once: nothing doubled by the killed attempt.
    start = yesterday - datetime.timedelta(days=365)
    assert stored_transactions(account, start, sandbox_today()) == expected_transactions(
        account, start, sandbox_today()
    )
