"""'Sync now' in the browser: a connected user presses it, a real worker syncs from the live
sandbox, and the dashboard says the accounts were synced just now."""

from __future__ import annotations

import pytest

from brokers.models import SyncRun
from tests.brokers.conftest import hong, platform
from tests.factories import PASSWORD
from tests.portfolio.sync_support import sync_worker

__all__ = ["hong", "platform", "sync_worker"]

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_pressing_sync_now_syncs_every_account_and_says_synced_just_now(
    page, live_server, on_sandbox, sync_worker, hong, output_dir
):
    shots = output_dir / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", hong.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")
    page.screenshot(path=shots / "sync-now-1-before.png", full_page=True)

    page.locator("[data-sync-now] button").first.click()
    page.locator("[data-sync-progress]").first.wait_for()
    page.locator("[data-sync-done]").first.wait_for(timeout=60_000)
    page.screenshot(path=shots / "sync-now-2-progress-done.png", full_page=True)

    states = [
        page.locator("[data-sync-progress] [data-sync-state]")
        .nth(i)
        .get_attribute("data-sync-state")
        for i in range(page.locator("[data-sync-progress] [data-sync-state]").count())
    ]
    assert states == ["succeeded"] * 4
    page.locator("[data-sync-done] a").click()
    page.wait_for_url("**/home/")
    assert page.get_by_text("방금 동기화됨").first.is_visible()
    assert page.get_by_text("방금 동기화됨").count() == 4
    page.screenshot(path=shots / "sync-now-3-synced-just-now.png", full_page=True)
    assert set(SyncRun.objects.filter(account__user=hong.user).values_list("trigger", "state")) == {
        ("user", "succeeded")
    }
