"""The dashboard's second round, in a browser at a desktop's and a phone's width: the sync
panel never moves the tools beside it, disconnecting asks first and leaves a calm dashboard,
and two accounts that end alike are still told apart."""

from __future__ import annotations

import pytest

from brokers import records
from brokers.services import linked_accounts_record
from tests.e2e.conftest import WIDTHS, sign_in
from tests.factories import ConnectionFactory, UserFactory
from tests.portfolio.dashboard_data import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_sync_panel_opens_without_moving_the_privacy_toggle(
    page, live_server, width, output_dir
) -> None:
    user = UserFactory()
    seed(user, days=30, accounts=2, star=False)
    sign_in(page, live_server, user.email)
    toggle = page.locator("[data-privacy-toggle]")
    before = toggle.bounding_box()

    page.locator("[data-sync-now] button").first.click()
    page.locator("[data-sync-progress]").first.wait_for()

    assert toggle.bounding_box() == before
    assert toggle.is_visible()
    panel = page.locator("[data-sync-progress]").first.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= WIDTHS[width]["width"]
    page.screenshot(path=output_dir / f"round-two-sync-panel-{width}.png")


def test_disconnecting_asks_first_and_leaves_a_calm_dashboard(
    page, live_server, on_sandbox, width, output_dir
) -> None:
    user = UserFactory()
    seed(user, days=30, accounts=1, star=False)
    sign_in(page, live_server, user.email)

    page.goto(live_server.url + "/link/")
    page.locator("[data-disconnect]").click()
    page.wait_for_url("**/link/disconnect/")
    assert page.locator("[data-disconnect-confirm]").is_visible()
    page.screenshot(path=output_dir / f"round-two-disconnect-{width}.png")
    page.locator("button[name=disconnect]").click()
    page.wait_for_url("**/link/")

    page.goto(live_server.url + "/home/")
    assert page.locator("[data-notice=disconnected]").is_visible()
    assert page.locator("[data-notice=link]").count() == 0
    assert page.locator("[role=alert]").count() == 0


def test_two_accounts_that_end_alike_are_told_apart(page, live_server, width, output_dir) -> None:
    user = UserFactory()
    ConnectionFactory(user=user)
    linked_accounts_record(
        user=user,
        found=[
            records.LinkedAccount(broker_code="99001", vt_acc_no="160612340350001", alias=None),
            records.LinkedAccount(broker_code="99001", vt_acc_no="160656780760001", alias=None),
        ],
    )
    sign_in(page, live_server, user.email)

    shown = page.locator(".account-list .acct-no").all_inner_texts()

    assert sorted(shown) == ["····50001", "····60001"]  # the last four alike: one more each
    page.screenshot(path=output_dir / f"round-two-accounts-{width}.png")
