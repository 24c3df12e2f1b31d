"""Syncs through a real Celery worker against the live sandbox: all three brokers, retries of
transient failures after the suggested delay, and no retry for a missing consent."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest

from brokers.models import LinkedAccount, SyncRun
from brokers.sandbox import data
from portfolio.models import DailyValuation, HoldingsSnapshot, WatchGroup
from portfolio.sync.due import FIRST_TRANSACTION_DAYS
from portfolio.sync.enqueue import sync_enqueue
from tests.portfolio.sync_support import (
    expected_holdings,
    expected_transactions,
    expected_valuation,
    expected_watchlist,
    expected_weights,
    profile_of,
    runs_done,
    stored_holdings,
    stored_transactions,
    stored_valuation,
    stored_watchlist,
)
from tests.sandbox_server import sandbox_today

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DIAMOND = "160678007213500001"
CYBER = "160812345678900001"
STAR = "160923456789000001"


def states(runs: list[SyncRun]) -> list[tuple[str, str, str, int]]:
    return [(run.trigger, run.state, run.failure_kind, run.attempt) for run in runs]


def test_a_users_accounts_at_all_three_brokers_sync_as_the_sandbox_holds_them(sync_worker, hong):
    today = sandbox_today()

    queued = sync_enqueue(user=hong.user).runs

    assert len(queued) == 4
    runs = runs_done([account.pk for account in hong.accounts.values()])
    assert [run.state for run in runs] == ["succeeded"] * 4
    start = today - datetime.timedelta(days=FIRST_TRANSACTION_DAYS)
    for number in (DIAMOND, CYBER):
        account = hong.accounts[number]
        truth = data.holdings_as_of(number, profile_of(account), today)
        assert stored_holdings(account) == expected_holdings(truth)
        assert stored_valuation(account, today) == expected_valuation(truth)
        assert stored_transactions(account, start, today) == expected_transactions(
            account, start, today
        )
        assert stored_watchlist(account) == expected_watchlist(account)
    assert len(stored_holdings(hong.accounts[CYBER])) > 500

    # The star broker gives weights only: no amounts, no valuation, no watchlist service.
    star = hong.accounts[STAR]
    truth = data.holdings_as_of(STAR, "default", today)
    weights = {h.instrument.key: h.weight for h in star.holdings.select_related("instrument")}
    assert weights == expected_weights(truth)
    snapshot = HoldingsSnapshot.objects.get(account=star)
    assert (snapshot.source, snapshot.cash_weight) == (
        "portfolio",
        data.portfolio_ratios(truth).cash_ratio,
    )
    assert not DailyValuation.objects.filter(account=star).exists()
    assert not WatchGroup.objects.filter(account=star).exists()
    assert stored_transactions(star, start, today) == expected_transactions(star, start, today)


def test_a_429_and_a_3600_are_retried_after_the_suggested_delay_and_then_succeed(
    sync_worker, sandbox, hong
):
    diamond, cyber = hong.accounts[DIAMOND], hong.accounts[CYBER]
    sandbox.set_fault("429", api="balance", vt_acc_no=DIAMOND, times=1)
    sandbox.set_fault("3600", api="balance", vt_acc_no=CYBER, times=1)

    sync_enqueue(user=hong.user, account_id=diamond.pk)
    sync_enqueue(user=hong.user, account_id=cyber.pk)

    limited = runs_done([diamond.pk])
    assert states(limited) == [
        ("user", "failed", "rate_limited", 1),
        ("retry", "succeeded", "", 2),
    ]
    # The sandbox's Retry-After is one second: the retry started no sooner.
    assert limited[0].detail == {"retry_after": 1.0}
    assert limited[1].started_at - limited[0].finished_at >= datetime.timedelta(seconds=1)
    unavailable = runs_done([cyber.pk])
    assert states(unavailable) == [
        ("user", "failed", "transient", 1),
        ("retry", "succeeded", "", 2),
    ]
    assert unavailable[0].platform_code == 3600
    delay = datetime.timedelta(seconds=unavailable[0].detail["retry_after"])
    assert unavailable[1].started_at - unavailable[0].finished_at >= delay


def test_a_missing_consent_is_not_retried_and_the_link_page_says_consent_is_needed(
    sync_worker, on_sandbox, hong, client
):
    sandbox = on_sandbox
    account = hong.accounts[DIAMOND]
    sandbox.set_fault("consent-expired", api="balance", vt_acc_no=DIAMOND)

    sync_enqueue(user=hong.user, account_id=account.pk)

    runs = runs_done([account.pk])
    assert states(runs) == [("user", "failed", "consent_required", 1)]
    assert runs[0].platform_code == 4006
    account.refresh_from_db()
    assert (account.status, account.sync_problem) == ("linked", "consent_required")
    client.force_login(hong.user)
    page = client.get("/link/").content.decode()
    assert 'data-sync-problem="consent_required"' in page
    assert "consent needed" in page or "동의" in page


def test_connecting_at_the_link_page_starts_the_first_sync_at_once(
    sync_worker, on_sandbox, alice, client
):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    born = member.birth_date
    identity = {
        "korean_name": member.kor_name,
        "birth_date": f"{born[:4]}-{born[4:6]}-{born[6:]}",
        "phone": member.phone,
    }
    assert client.post("/me/identity/", identity).status_code == 302
    assert client.get("/link/").context["status"].step == "connect"
    authorize = client.post("/link/connect/")["Location"]
    callback = on_sandbox.login_and_consent(
        authorize, username=member.portal_id, password=member.password
    )

    back = urlsplit(callback)
    assert client.get(f"{back.path}?{back.query}").status_code == 302

    (account,) = LinkedAccount.objects.for_user(alice)
    (run,) = runs_done([account.pk])
    assert (run.trigger, run.state) == ("user", "succeeded")
    truth = data.holdings_as_of(account.vt_acc_no, "default", sandbox_today())
    assert stored_holdings(account) == expected_holdings(truth)
