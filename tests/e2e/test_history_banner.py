"""The demo history's banner in the browser: while `make run` builds the history it follows the
build by itself (htmx, no inline script), and when the build is done the page reloads without
it."""

from __future__ import annotations

import pytest

from portfolio.demo_progress import history_progress_set
from tests.factories import PASSWORD, UserFactory
from tests.portfolio.dashboard_data import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_banner_follows_the_build_and_goes_when_the_history_is_complete(
    page, live_server, output_dir
):
    shots = output_dir / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    user = UserFactory(email="history@example.com")
    seed(user, days=30, holdings=3, accounts=1)
    history_progress_set(user.pk, "building", done=311, total=840)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")
    banner = page.locator("[data-history-progress]")
    assert "내역을 만드는 중: 37 %" in banner.inner_text()
    page.screenshot(path=shots / "history-banner-1-building.png", full_page=False)

    history_progress_set(user.pk, "building", done=630, total=840)
    page.get_by_text("내역을 만드는 중: 75 %").wait_for(timeout=10_000)
    page.screenshot(path=shots / "history-banner-2-later.png", full_page=False)

    history_progress_set(user.pk, "done", done=840, total=840)
    banner.wait_for(state="detached", timeout=10_000)
    assert page.url.endswith("/home/")
    assert page.locator("[data-figure]").count() > 0
