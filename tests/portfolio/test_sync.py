"""One account's sync against the live sandbox, in this process: what it fetches, what it
writes, and that a failed or repeated sync leaves the data as it should.

The worker-driven tests (retries, all three brokers through Celery, a killed worker) are in
`test_sync_worker.py`; the nightly plan and "sync now" in `test_sync_nightly.py` and
`test_sync_views.py`.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection as db_connection
from django.test.utils import override_settings

from brokers.models import LinkedAccount, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.sandbox import data
from brokers.upstream import CallContext
from portfolio.models import DailyValuation, Transaction
from portfolio.sync.account import account_sync
from portfolio.sync.due import OVERLAP_DAYS, SWEEP_DAYS
from tests.brokers.conftest import run_together, sandbox_config
from tests.portfolio.sync_support import (
    account_rows,
    expected_holdings,
    expected_transactions,
    expected_valuation,
    expected_watchlist,
    stored_holdings,
    stored_transactions,
    stored_valuation,
    stored_watchlist,
)
from tests.sandbox_server import sandbox_today

pytestmark = pytest.mark.django_db

DIAMOND = "160678007213500001"


def sync(account, client, **kwargs):
    kwargs.setdefault("trigger", SyncRun.Trigger.USER)
    outcome = account_sync(account_id=account.pk, upstream=client, **kwargs)
    account.refresh_from_db()
    return outcome


def run_of(outcome) -> SyncRun:
    return SyncRun.objects.get(pk=outcome.run_id)


def business_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day in days if data.is_business_day(day)]


def previous_business_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not data.is_business_day(day):
        day -= datetime.timedelta(days=1)
    return day


def idle_and_busy_days(account: LinkedAccount) -> tuple[datetime.date, datetime.date]:
    """Two recent business days of the account: one without transactions, one with some."""
    today = sandbox_today()
    days = business_days(today - datetime.timedelta(days=60), today - datetime.timedelta(days=1))
    moves = {day: data.transactions_between(account.vt_acc_no, "default", day, day) for day in days}
    idle = next(day for day in days if not moves[day])
    busy = next(day for day in days if moves[day])
    return idle, busy


# --- the client's as-of option -------------------------------------------------------------


def test_the_client_asks_the_sandbox_as_of_a_past_date_and_never_caches_that_answer(platform, hong):
    account = hong.accounts[DIAMOND]
    past = sandbox_today() - datetime.timedelta(days=120)
    then = data.holdings_as_of(DIAMOND, "default", past)
    now = data.holdings_as_of(DIAMOND, "default", sandbox_today())
    assert then.summary.total_acc_val != now.summary.total_acc_val

    old = platform.balance(hong.connection, account, context=CallContext(as_of=past))
    current = platform.balance(hong.connection, account)

    assert old.summary.total_acc_val == then.summary.total_acc_val
    assert current.summary.total_acc_val == now.summary.total_acc_val


def test_the_as_of_header_is_not_sent_where_the_sandbox_is_off(sandbox, hong):
    account = hong.accounts[DIAMOND]
    past = sandbox_today() - datetime.timedelta(days=120)
    with override_settings(SANDBOX_ENABLED=False), OpenPlatformClient(sandbox_config(sandbox)) as c:
        answer = c.balance(hong.connection, account, context=CallContext(as_of=past))
    today = data.holdings_as_of(DIAMOND, "default", sandbox_today())
    assert answer.summary.total_acc_val == today.summary.total_acc_val


# --- what one sync stores --------------------------------------------------------------------


def test_a_first_sync_stores_holdings_valuation_a_year_of_transactions_and_the_watchlist(
    platform, hong
):
    account = hong.accounts[DIAMOND]
    today = sandbox_today()

    outcome = sync(account, platform)

    run = run_of(outcome)
    assert (run.state, run.failure_kind, run.as_of) == ("succeeded", "", today)
    # Balance with ALL, one page of transactions, the watchlist.
    assert run.calls_used == 3
    truth = data.holdings_as_of(DIAMOND, "default", today)
    assert stored_holdings(account) == expected_holdings(truth)
    assert stored_valuation(account, today) == expected_valuation(truth)
    start = today - datetime.timedelta(days=365)
    assert stored_transactions(account, start, today) == expected_transactions(
        account, start, today
    )
    assert stored_watchlist(account) == expected_watchlist(account)
    assert account.transactions_synced_through == today
    assert account.watchlist_synced_on == today
    assert account.synced_as_of == today
    assert account.last_success_at == run.finished_at


def test_an_idle_day_costs_one_call_and_a_day_with_trades_also_reads_its_transactions(
    platform, hong
):
    account = hong.accounts[DIAMOND]
    runs = {}
    # In date order, so that no sync is for a day before one already synced.
    for day in sorted(idle_and_busy_days(account)):
        # The day before reads transactions up to itself (as a first sync does).
        LinkedAccount.objects.filter(pk=account.pk).update(transactions_synced_through=None)
        before = previous_business_day(day)
        sync(account, platform, as_of=before)
        runs[day] = run_of(sync(account, platform, as_of=day))
    idle, busy = (runs[day] for day in idle_and_busy_days(account))

    assert (idle.calls_used, idle.detail["moved"], "transactions" in idle.detail) == (
        1,
        False,
        False,
    )
    assert (busy.calls_used, busy.detail["moved"]) == (2, True)
    window = busy.detail["transactions"]
    start = previous_business_day(busy.as_of) - datetime.timedelta(days=OVERLAP_DAYS)
    assert (window["from"], window["to"]) == (start.isoformat(), busy.as_of.isoformat())


def test_transactions_are_swept_periodically_even_when_nothing_moved(platform, hong):
    account = hong.accounts[DIAMOND]
    idle, _busy = idle_and_busy_days(account)
    sync(account, platform, as_of=idle - datetime.timedelta(days=1))
    LinkedAccount.objects.filter(pk=account.pk).update(
        transactions_synced_through=idle - datetime.timedelta(days=SWEEP_DAYS)
    )

    run = run_of(sync(account, platform, as_of=idle))

    assert run.detail["moved"] is False
    assert run.detail["transactions"]["to"] == idle.isoformat()


def test_syncing_again_changes_nothing_and_identical_same_day_deposits_stay_two(platform, hong):
    account = hong.accounts[DIAMOND]
    # A day soon after the account opened, so that the window holds its two identical DEPs.
    opened = data.opening_date(DIAMOND)
    day = opened + datetime.timedelta(days=45)
    twins = [
        t
        for t in data.transactions_between(DIAMOND, "default", opened, day)
        if t.trans_type == "DEP"
    ]
    doubled = next(t for t in twins if twins.count(t) == 2)

    sync(account, platform, as_of=day)
    before = account_rows(account)
    # Read everything again: the balance as if it moved, the watchlist as if it were due.
    LinkedAccount.objects.filter(pk=account.pk).update(
        balance_fingerprint="", watchlist_synced_on=None
    )
    again = run_of(sync(account, platform, as_of=day))

    assert again.state == "succeeded"
    assert again.detail["transactions"]["inserted"] == 0
    assert again.detail["transactions"]["deleted"] == 0
    assert account_rows(account) == before
    same_day = Transaction.objects.filter(account=account, date=doubled.trans_date, type="DEP")
    assert same_day.filter(change_amount=doubled.change_amt).count() == 2


def test_a_sync_failing_between_writes_leaves_the_previous_data_whole(platform, hong):
    account = hong.accounts[DIAMOND]
    yesterday = sandbox_today() - datetime.timedelta(days=1)
    sync(account, platform, as_of=yesterday)
    before = account_rows(account)
    state_before = LinkedAccount.objects.filter(pk=account.pk).values().get()
    LinkedAccount.objects.filter(pk=account.pk).update(watchlist_synced_on=None)
    state_before["watchlist_synced_on"] = None

    def fail_on_watchlist_insert(execute, sql, params, many, context):
        # The balance, valuation and holdings of today are written by now; the old watchlist
        # has just been deleted.
        if sql.startswith('INSERT INTO "portfolio_watchgroup"'):
            raise RuntimeError("injected failure between writes")
        return execute(sql, params, many, context)

    with db_connection.execute_wrapper(fail_on_watchlist_insert):
        outcome = sync(account, platform)

    run = run_of(outcome)
    assert (run.state, run.failure_kind) == ("failed", "internal")
    assert run.calls_used == 2  # the balance and the watchlist were read
    assert account_rows(account) == before
    assert not DailyValuation.objects.filter(account=account, date=sandbox_today()).exists()
    assert LinkedAccount.objects.filter(pk=account.pk).values().get() == state_before


def test_ten_concurrent_syncs_of_one_account_make_one_fetch_sequence(
    sandbox, hong, transactional_db
):
    account = hong.accounts[DIAMOND]
    # Hold the winner inside its fetch long enough for the nine others to try.
    sandbox.set_fault("latency", api="balance", vt_acc_no=DIAMOND, delay_ms=500)
    remaining = sandbox.set_budget()["remaining"]

    def attempt(ready):
        with OpenPlatformClient(sandbox_config(sandbox)) as client:
            ready.wait()
            return account_sync(account_id=account.pk, trigger="user", upstream=client)

    outcomes = run_together(10, attempt)

    runs = SyncRun.objects.filter(account=account)
    assert sorted(runs.values_list("state", "failure_kind")) == [
        ("skipped", "already_running")
    ] * 9 + [("succeeded", "")]
    winner = runs.get(state="succeeded")
    assert sum(o.calls for o in outcomes) == winner.calls_used == 3
    assert remaining - sandbox.set_budget()["remaining"] == winner.calls_used
