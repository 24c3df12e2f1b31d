"""A whole sync against the live sandbox while it misbehaves the ways the real platform does:
dropped and repeated pages, a cut-off body, a service the broker does not offer, a holiday.
Each run ends (never an endless loop) with what was read completely and a record that says
what happened."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from brokers.errors import TRANSIENT
from brokers.models import SyncRun, UnsupportedService
from brokers.sandbox import data
from portfolio.models import DailyValuation, Holding, WatchGroup
from portfolio.sync.account import account_sync
from portfolio.sync.nightly import nightly_sync_plan
from portfolio.trading_days import is_trading_day
from tests.sandbox_server import sandbox_today

pytestmark = pytest.mark.django_db

DIAMOND = "160678007213500001"
# 추석 (Chuseok) 2025 and 설날 (Lunar New Year) 2026: weekdays on which the KRX is shut.
CHUSEOK = datetime.date(2025, 10, 6)
SEOLLAL = datetime.date(2026, 2, 17)


def _sync(account, client, **kwargs):
    kwargs.setdefault("trigger", SyncRun.Trigger.USER)
    outcome = account_sync(account_id=account.pk, upstream=client, **kwargs)
    return outcome, SyncRun.objects.get(pk=outcome.run_id)


def _calls(sandbox, before: int) -> int:
    return before - sandbox.set_budget()["remaining"]


def test_a_dropped_page_ends_the_sync_with_what_was_sent_and_the_counts_in_its_record(
    platform, sandbox, hong
):
    account = hong.at("cyber")
    sandbox.set_fault("drop-page", broker="cyber", api="balance", times=1)

    outcome, run = _sync(account, platform)

    assert outcome.state == SyncRun.State.SUCCEEDED
    truth = data.holdings_as_of(account.vt_acc_no, data.AccountProfile.LARGE, sandbox_today())
    short = [n for n in run.detail["paging"] if n["total_cnt"] and n["items"] < n["total_cnt"]]
    assert len(short) == 1 and short[0]["ended"] == "end"
    assert short[0]["query"] == "balance EQTY" and short[0]["total_cnt"] == len(truth.equities)
    # What the pages held is stored, each once; the page the key skipped is missing.
    missing = short[0]["total_cnt"] - short[0]["items"]
    whole = len(truth.equities) + len(truth.funds) + len(truth.others)
    assert run.detail["holdings"] == whole - missing
    assert sandbox.faults()[0]["remaining"] == 0


def test_a_page_that_keeps_repeating_ends_the_sync_keeping_the_summary_and_the_holdings(
    platform, sandbox, hong
):
    account = hong.at("cyber")
    assert _sync(account, platform)[0].state == SyncRun.State.SUCCEEDED
    held = Holding.objects.filter(account=account).count()
    sandbox.set_fault("repeat-page", broker="cyber", api="balance")
    before = sandbox.set_budget()["remaining"]

    # As of today, which never comes from the short answer cache.
    outcome, run = _sync(account, platform, as_of=sandbox_today())

    assert outcome.state == SyncRun.State.SUCCEEDED
    assert run.detail["lists_complete"] is False
    loops = [n for n in run.detail["paging"] if n["ended"] == "loop"]
    assert loops and all(n["restarts"] == 1 for n in loops)
    # The cut lists do not close positions: the holdings stay as the last whole answer left
    # them, and the day's valuation comes from the summary.
    assert Holding.objects.filter(account=account).count() == held
    assert DailyValuation.objects.filter(account=account, date=sandbox_today()).exists()
    assert _calls(sandbox, before) <= 13  # bounded: CASH, then at most two passes per type


def test_transactions_whose_pages_loop_keep_the_balance_and_retry_later(platform, sandbox, hong):
    account = hong.at("cyber")  # 20 transactions a page: a year has several pages
    sandbox.set_fault("repeat-page", broker="cyber", api="transaction")

    outcome, run = _sync(account, platform, max_attempts=4)

    assert (outcome.state, outcome.failure_kind) == (SyncRun.State.FAILED, TRANSIENT)
    assert outcome.retry_run_id is not None
    assert run.detail["kept"] == "balance"
    assert DailyValuation.objects.get(account=account, date=sandbox_today()).flows_pending
    account.refresh_from_db()
    assert account.transactions_synced_through is None


def test_a_cut_off_body_is_retried_and_the_retry_succeeds_once_the_fault_clears(
    platform, sandbox, hong
):
    account = hong.accounts[DIAMOND]
    sandbox.set_fault("malformed-json", broker="diamond", api="balance", times=1)

    first, _ = _sync(account, platform, max_attempts=4)

    assert (first.state, first.failure_kind) == (SyncRun.State.FAILED, TRANSIENT)
    assert first.retry_after is not None and first.retry_run_id is not None
    assert not DailyValuation.objects.filter(account=account).exists()

    second, _ = _sync(
        account,
        platform,
        trigger=SyncRun.Trigger.RETRY,
        run_id=first.retry_run_id,
        attempt=2,
        max_attempts=4,
    )

    assert second.state == SyncRun.State.SUCCEEDED
    assert DailyValuation.objects.filter(account=account, date=sandbox_today()).exists()


def test_a_service_the_broker_refuses_is_not_asked_again_for_thirty_days(platform, sandbox, hong):
    account = hong.at("star")
    day = sandbox_today() - datetime.timedelta(days=21)
    assert _sync(account, platform, as_of=day)[0].state == SyncRun.State.SUCCEEDED
    refusal = UnsupportedService.objects.get(broker=account.broker, service="interest")
    assert refusal.probe_after > timezone.now() + datetime.timedelta(days=29)
    assert not WatchGroup.objects.filter(account=account).exists()

    later = day + datetime.timedelta(days=8)  # a week on: the watchlist is due again
    before = sandbox.set_budget()["remaining"]
    outcome, run = _sync(account, platform, as_of=later)

    assert outcome.state == SyncRun.State.SUCCEEDED
    assert "watch_groups" not in run.detail
    # Balance refused once already? No: star's registry says it has no balance, so one
    # portfolio call (and transactions if they moved); never the interest service.
    assert _calls(sandbox, before) == run.calls_used
    assert run.calls_used == 1 + ("transactions" in run.detail)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31), tick=False):
        outcome, run = _sync(account, platform, as_of=later + datetime.timedelta(days=1))
    assert outcome.state == SyncRun.State.SUCCEEDED
    assert run.detail.get("watch_groups") == 0  # the monthly probe asked, and was refused
    refusal.refresh_from_db()
    assert refusal.last_refused_at > refusal.first_refused_at


def test_korean_market_holidays_are_not_trading_days():
    assert not is_trading_day(CHUSEOK) and not is_trading_day(SEOLLAL)
    assert CHUSEOK.weekday() < 5 and SEOLLAL.weekday() < 5
    assert is_trading_day(datetime.date(2026, 2, 20))


def test_a_nightly_sync_on_a_krx_holiday_makes_no_upstream_call(platform, sandbox, hong):
    account = hong.accounts[DIAMOND]
    before = sandbox.set_budget()["remaining"]
    evening = datetime.datetime(2026, 2, 17, 9, 30, tzinfo=datetime.UTC)  # 18:30 in Seoul

    with time_machine.travel(evening, tick=False):
        plan = nightly_sync_plan()
        outcome = account_sync(
            account_id=account.pk, trigger=SyncRun.Trigger.NIGHTLY, upstream=platform
        )

    assert plan.holiday and plan.as_of == SEOLLAL
    assert plan.queued == [] and plan.skipped == []
    assert (outcome.state, outcome.failure_kind) == (SyncRun.State.SKIPPED, "holiday")
    assert _calls(sandbox, before) == 0
    assert not DailyValuation.objects.filter(account=account).exists()
