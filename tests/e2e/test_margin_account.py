"""A margin account in the browser: the broker's total (총평가금액) and the net assets (순자산,
the total less the loan and the receivable) on the overview and the account page, both equal
to what the live sandbox's account holds, with the formula in the tooltip."""

from __future__ import annotations

import pytest
from django.utils import translation

from brokers.models import SyncRun
from brokers.sandbox import data
from portfolio.formatting import krw
from portfolio.sync.account import account_sync
from tests.brokers.conftest import link_member, platform
from tests.factories import PASSWORD
from tests.sandbox_server import sandbox_today

__all__ = ["platform"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_margin_account_shows_its_total_and_its_net_assets_on_both_pages(
    page, live_server, on_sandbox, platform, sandbox, output_dir
):
    shots = output_dir / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    persona = sandbox.personas["jung"]
    link = link_member(
        platform,
        sandbox,
        email="jung@example.com",
        portal_id="jung",
        password=sandbox.persona_password,
        ci=persona.ci,
        kor_name=persona.kor_name,
    )
    account = link.at("diamond")
    outcome = account_sync(account_id=account.pk, trigger=SyncRun.Trigger.USER, upstream=platform)
    assert outcome.state == SyncRun.State.SUCCEEDED
    truth = data.holdings_as_of(account.vt_acc_no, data.AccountProfile.MARGIN, sandbox_today())
    summary = truth.summary
    assert summary.loan_credit > 0 and summary.receivable > 0
    with translation.override("ko"):
        total = krw(summary.total_acc_val)
        net = krw(summary.total_acc_val - summary.loan_credit - summary.receivable)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", link.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")

    figures = page.locator("section.figures").first
    assert figures.locator("[data-figure=total] [data-figure-value]").inner_text() == total
    assert figures.locator("[data-figure=net] [data-figure-value]").inner_text() == net
    assert "총평가금액" in figures.locator("[data-figure=total]").inner_text()
    assert "순자산" in figures.locator("[data-figure=net]").inner_text()
    tooltip = figures.locator("[data-figure=net]").get_attribute("title")
    assert "총평가금액 − 대출/신용금 − 미수금" in tooltip
    assert "총평가금액" in page.locator("[data-basis-note]").inner_text()
    page.screenshot(path=shots / "margin-1-overview.png", full_page=True)

    page.goto(f"{live_server.url}/dashboard/accounts/{account.pk}/")
    figures = page.locator("section.figures").first
    assert figures.locator("[data-figure=total] .figure-value").inner_text() == total
    assert figures.locator("[data-figure=net] .figure-value").inner_text() == net
    with translation.override("ko"):
        assert figures.locator("[data-figure=loan] .figure-value").inner_text() == krw(
            summary.loan_credit
        )
        assert figures.locator("[data-figure=receivable] .figure-value").inner_text() == krw(
            summary.receivable
        )
    assert "총평가금액 − 대출/신용금 − 미수금" in figures.locator(
        "[data-figure=net]"
    ).get_attribute("title")
    page.screenshot(path=shots / "margin-2-account.png", full_page=True)
