"""A worker process killed (SIGKILL) in the middle of a sync, seen from the browser: within a
minute the page shows the sync tried again (or failed), never "syncing" for the time limit,
and the account's previous data stays whole until a sync completes."""

from __future__ import annotations

import datetime
import time

import pytest

from brokers.models import SyncRun
from brokers.sandbox import data
from portfolio.sync.account import account_sync
from tests.brokers.conftest import hong, platform
from tests.factories import PASSWORD
from tests.portfolio.sync_support import (
    account_rows,
    expected_holdings,
    prefork_worker,
    stored_holdings,
)
from tests.sandbox_server import sandbox_today

__all__ = ["hong", "platform", "prefork_worker"]

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DIAMOND = "160678007213500001"
TRIED_AGAIN_OR_FAILED = (
    "[data-sync-progress] [data-attempt='2'], [data-sync-progress] [data-sync-state='failed']"
)


def test_a_killed_sync_shows_as_tried_again_within_a_minute_with_the_previous_data_whole(
    page, live_server, on_sandbox, prefork_worker, platform, hong, output_dir
):
    shots = output_dir / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    account = hong.accounts[DIAMOND]
    yesterday = sandbox_today() - datetime.timedelta(days=1)
    account_sync(account_id=account.pk, trigger="user", as_of=yesterday, upstream=platform)
    before = account_rows(account)
    # Hold the worker's sync inside its balance call for a while.
    on_sandbox.set_fault("latency", api="balance", vt_acc_no=DIAMOND, delay_ms=8_000)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", hong.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")
    page.goto(f"{live_server.url}/dashboard/accounts/{account.pk}/")
    page.locator("[data-sync-now] button").first.click()
    page.locator("[data-sync-progress] [data-sync-state='running']").first.wait_for()
    run = SyncRun.objects.get(account=account, state="running")
    time.sleep(0.5)

    killed = prefork_worker.kill_children()
    killed_at = time.monotonic()
    assert killed

    page.locator(TRIED_AGAIN_OR_FAILED).first.wait_for(timeout=60_000)
    seen_after = time.monotonic() - killed_at
    page.screenshot(path=shots / "sync-killed-1-tried-again.png", full_page=True)
    assert seen_after < 60
    run.refresh_from_db()
    assert run.attempt == 2 or run.failure_kind == "interrupted"
    if run.state == "running":
        assert account_rows(account) == before  # nothing half-written meanwhile

    page.locator("[data-sync-done]").first.wait_for(timeout=60_000)
    run.refresh_from_db()
    page.screenshot(path=shots / "sync-killed-2-done.png", full_page=True)
    if run.state == "succeeded":
        truth = data.holdings_as_of(DIAMOND, "default", sandbox_today())
        assert stored_holdings(account) == expected_holdings(truth)
        assert run.attempt == 2  # the redelivered task took the run over
    else:
        assert (run.state, run.failure_kind) == ("failed", "interrupted")
        assert account_rows(account) == before
    assert not SyncRun.objects.filter(account=account, state__in=["queued", "running"]).exists()
