"""The real client against the live sandbox: every method on every virtual broker, and faults.

The sandbox's own data module is the ground truth the answers are compared with: it is what
the sandbox renders, so a client that loses, repeats or invents an item fails here.
"""

from __future__ import annotations

import datetime
import itertools
import time

import pytest
import time_machine

from brokers.call_log import UPSTREAM_LOGGER
from brokers.errors import (
    CONSENT_REQUIRED,
    RATE_LIMITED,
    TRANSIENT,
    ParseError,
    PlatformError,
)
from brokers.openplatform.client import OpenPlatformClient
from brokers.resilience.breaker import CircuitOpen
from brokers.sandbox import data
from brokers.upstream import Balance, CallContext, RatiosOnly
from tests.brokers.conftest import sandbox_config
from tests.factories import IdentityFactory
from tests.sandbox_server import sandbox_today

pytestmark = pytest.mark.django_db


def _truth(account, profile=data.AccountProfile.DEFAULT) -> data.AccountSnapshot:
    return data.holdings_as_of(account.vt_acc_no, profile, sandbox_today())


def _sandbox_calls(sandbox, before: int) -> int:
    return before - sandbox.set_budget()["remaining"]


def _remaining(sandbox) -> int:
    return sandbox.set_budget()["remaining"]


# --- membership and links ------------------------------------------------------------------


def test_membership_and_linked_accounts_come_from_the_common_apis(platform, sandbox, hong):
    stranger = IdentityFactory(
        ci=sandbox.personas["lee"].ci, korean_name=sandbox.personas["lee"].kor_name
    )

    assert platform.is_member(hong.identity) is True
    assert platform.is_member(stranger) is False
    linked = platform.linked_accounts(hong.identity)
    assert sorted((a.broker_code, a.vt_acc_no) for a in linked) == [
        ("99001", "160678007213500001"),
        ("99001", "160731060768600001"),
        ("99002", "160812345678900001"),
        ("99003", "160923456789000001"),
    ]
    assert sorted(a.broker.short_name for a in hong.accounts.values()) == [
        "cyber",
        "diamond",
        "diamond",
        "star",
    ]


# --- balance ---------------------------------------------------------------------------------


def test_diamond_answers_the_whole_balance_with_all_in_one_call(platform, sandbox, hong):
    account = hong.accounts["160678007213500001"]
    before = _remaining(sandbox)

    balance = platform.balance(hong.connection, account)

    assert _sandbox_calls(sandbox, before) == 1
    truth = _truth(account)
    assert isinstance(balance, Balance)
    assert balance.summary.total_acc_val == truth.summary.total_acc_val
    assert balance.summary.cash_balance == truth.summary.cash_balance
    assert [(h.isin, h.qty) for h in balance.equities] == [(h.isin, h.qty) for h in truth.equities]
    assert [f.fund_code for f in balance.funds] == [f.fund_code for f in truth.funds]
    assert [(o.name, o.val_at_cur) for o in balance.others] == [
        (o.name, o.val_at_cur) for o in truth.others
    ]


def test_diamond_asked_per_type_gives_the_same_balance_as_with_all(platform, hong):
    account = hong.accounts["160678007213500001"]
    with_all = platform.balance(hong.connection, account)
    account.broker.supports_all = False

    per_type = platform.balance(hong.connection, account, context=CallContext(use_cache=False))

    assert per_type == with_all


def test_cyber_is_read_per_type_through_every_page_with_every_item_exactly_once(
    platform, sandbox, hong
):
    account = hong.at("cyber")  # the persona's account with 500+ holdings, 20 a page
    before, calls_before = _remaining(sandbox), platform.calls

    balance = platform.balance(hong.connection, account)

    truth = _truth(account, data.AccountProfile.LARGE)
    isins = [h.isin for h in balance.equities]
    assert len(isins) >= 500
    assert len(set(isins)) == len(isins)
    assert isins == [h.isin for h in truth.equities]
    assert [f.fund_code for f in balance.funds] == [f.fund_code for f in truth.funds]
    assert len(balance.others) == len(truth.others)
    assert balance.summary.total_acc_val == truth.summary.total_acc_val
    pages = -(-len(isins) // 20)
    # CASH, every equity page, one page of funds and one of other products.
    assert _sandbox_calls(sandbox, before) == 1 + pages + 1 + 1
    assert platform.calls - calls_before == 1 + pages + 1 + 1


def test_star_gives_ratios_only_without_calling_for_a_balance(platform, sandbox, hong):
    account = hong.at("star")
    before = _remaining(sandbox)

    result = platform.balance(hong.connection, account)

    assert isinstance(result, RatiosOnly)
    assert _sandbox_calls(sandbox, before) == 0


def test_star_is_recognised_as_ratios_only_even_when_the_registry_is_out_of_date(platform, hong):
    account = hong.at("star")
    account.broker.has_balance = True

    result = platform.balance(hong.connection, account)

    assert isinstance(result, RatiosOnly)


def test_star_portfolio_gives_the_weights_of_every_holding(platform, hong):
    account = hong.at("star")
    truth = _truth(account)

    portfolio = platform.portfolio(hong.connection, account)

    assert [e.isin for e in portfolio.equities] == [h.isin for h in truth.equities]
    assert [f.fund_code for f in portfolio.funds] == [f.fund_code for f in truth.funds]
    assert portfolio.cash_amt is not None
    assert all(e.weight is not None for e in portfolio.equities)


@pytest.mark.parametrize(
    ("broker", "profile", "calls"),
    [
        ("diamond", data.AccountProfile.DEFAULT, 1),  # ALL: one call
        ("cyber", data.AccountProfile.LARGE, None),  # per type, every page
    ],
)
def test_the_portfolio_is_whole_on_every_broker(platform, sandbox, hong, broker, profile, calls):
    account = hong.at(broker)
    before = _remaining(sandbox)

    portfolio = platform.portfolio(hong.connection, account)

    truth = _truth(account, profile)
    assert [e.isin for e in portfolio.equities] == [h.isin for h in truth.equities]
    assert [f.fund_code for f in portfolio.funds] == [f.fund_code for f in truth.funds]
    assert len(portfolio.others) == len(truth.others)
    assert portfolio.cash_amt is not None
    if calls is not None:
        assert _sandbox_calls(sandbox, before) == calls


def test_a_second_balance_within_the_cache_time_makes_no_call(platform, sandbox, hong):
    account = hong.accounts["160731060768600001"]
    first = platform.balance(hong.connection, account)
    before = _remaining(sandbox)

    again = platform.balance(hong.connection, account)
    with OpenPlatformClient(sandbox_config(sandbox)) as other_process:
        from_elsewhere = other_process.balance(hong.connection, account)

    assert _sandbox_calls(sandbox, before) == 0
    assert first == again == from_elsewhere


# --- transactions and watchlists ---------------------------------------------------------------


def _rows(transactions) -> list[tuple]:
    return [(t.date, t.type, t.change_amt, t.change_qty, t.qty_after) for t in transactions]


def _truth_rows(account, start, end, profile) -> list[tuple]:
    return [
        (t.trans_date, t.trans_type, t.change_amt, t.change_qty, t.qty)
        for t in data.transactions_between(account.vt_acc_no, profile, start, end)
    ]


def test_cyber_splits_a_long_window_on_6006_and_loses_and_repeats_nothing(platform, hong, caplog):
    account = hong.at("cyber")
    account.broker.max_transaction_days = None  # as if the registry did not know the limit
    end = sandbox_today()
    start = end - datetime.timedelta(days=399)

    rows = platform.transactions(hong.connection, account, start, end)

    assert _rows(rows) == _truth_rows(account, start, end, data.AccountProfile.LARGE)
    outcomes = [
        r.upstream_outcome
        for r in caplog.records
        if r.name == UPSTREAM_LOGGER and r.upstream_service == "transaction"
    ]
    assert outcomes[0] == "range_exceeded"  # the one refused 400-day window
    assert "range_exceeded" not in outcomes[1:]  # then 90-day windows straight away


def test_cyber_windows_follow_the_registrys_limit_without_a_refusal(platform, hong, caplog):
    account = hong.at("cyber")
    end = sandbox_today()
    start = end - datetime.timedelta(days=199)

    rows = platform.transactions(hong.connection, account, start, end)

    assert _rows(rows) == _truth_rows(account, start, end, data.AccountProfile.LARGE)
    outcomes = {r.upstream_outcome for r in caplog.records if r.name == UPSTREAM_LOGGER}
    assert outcomes == {"ok"}


def test_identical_same_day_transactions_stay_two_rows(platform, hong):
    account = hong.accounts["160678007213500001"]
    truth = data.transactions_between(
        account.vt_acc_no,
        data.AccountProfile.DEFAULT,
        data.opening_date(account.vt_acc_no),
        sandbox_today(),
    )
    doubled = next(a for a, b in itertools.pairwise(truth) if a == b)

    day = doubled.trans_date

    rows = platform.transactions(hong.connection, account, day, day)

    assert _rows(rows) == _truth_rows(account, day, day, data.AccountProfile.DEFAULT)
    assert len(_rows(rows)) > len(set(_rows(rows)))  # equal rows, both kept


def test_star_transactions_and_its_missing_watchlist(platform, hong):
    account = hong.at("star")
    end = sandbox_today()
    start = end - datetime.timedelta(days=60)

    rows = platform.transactions(hong.connection, account, start, end)

    assert _rows(rows) == _truth_rows(account, start, end, data.AccountProfile.DEFAULT)
    assert platform.watchlist(hong.connection, account) == ()


@pytest.mark.parametrize("broker", ["diamond", "cyber"])
def test_the_watchlist_lists_the_accounts_groups(platform, hong, broker):
    account = hong.at(broker)

    groups = platform.watchlist(hong.connection, account)

    truth = data.watchlist(account.vt_acc_no)
    assert groups
    assert [(g.name, g.isins) for g in groups] == [(g.group_name, g.isin_codes) for g in truth]


# --- paging faults -------------------------------------------------------------------------------


def test_a_repeated_page_is_asked_again_from_the_first_page_and_nothing_is_doubled(
    platform, sandbox, hong
):
    account = hong.at("cyber")
    sandbox.set_fault("repeat-page", broker="cyber", api="balance", times=1)

    balance = platform.balance(hong.connection, account)

    isins = [h.isin for h in balance.equities]
    assert isins == [h.isin for h in _truth(account, data.AccountProfile.LARGE).equities]
    assert sandbox.faults()[0]["remaining"] == 0


def test_a_page_key_that_keeps_repeating_stops_with_each_item_once_and_no_endless_paging(
    platform, sandbox, hong
):
    account = hong.at("cyber")
    sandbox.set_fault("repeat-page", broker="cyber", api="balance")
    before = _remaining(sandbox)
    context = CallContext()

    balance = platform.balance(hong.connection, account, context=context)

    truth = [h.isin for h in _truth(account, data.AccountProfile.LARGE).equities]
    isins = [h.isin for h in balance.equities]
    assert balance.complete is False
    assert len(isins) == len(set(isins)) and set(isins) < set(truth)
    loops = [n for n in context.notes if n["ended"] == "loop"]
    assert loops and all(n["restarts"] == 1 for n in loops)
    # Bounded: every type's pass at most twice two pages, then nothing more.
    assert _sandbox_calls(sandbox, before) <= 1 + 3 * 4


def test_a_dropped_page_is_taken_as_sent_and_the_counts_are_recorded(platform, sandbox, hong):
    account = hong.at("cyber")
    sandbox.set_fault("drop-page", broker="cyber", api="balance", times=1)
    context = CallContext()

    balance = platform.balance(hong.connection, account, context=context)

    truth = [h.isin for h in _truth(account, data.AccountProfile.LARGE).equities]
    isins = [h.isin for h in balance.equities]
    assert len(isins) == len(set(isins)) and set(isins) < set(truth)
    eqty = next(n for n in context.notes if n["query"] == "balance EQTY")
    assert eqty["total_cnt"] == len(truth) and eqty["items"] == len(isins) < len(truth)


# --- error faults ---------------------------------------------------------------------------------


def test_a_429_is_a_rate_limited_error_with_the_platforms_delay(platform, sandbox, hong):
    sandbox.set_fault("429", broker="diamond", times=1)

    with pytest.raises(PlatformError) as failed:
        platform.balance(hong.connection, hong.accounts["160678007213500001"])

    assert (failed.value.kind, failed.value.http_status) == (RATE_LIMITED, 429)
    assert failed.value.permanent is False
    assert failed.value.retry_after == 1.0


def test_three_3600s_open_the_circuit_and_no_call_reaches_the_platform_until_the_cool_down(
    platform, sandbox, hong
):
    account = hong.accounts["160678007213500001"]
    sandbox.set_fault("3600", broker="diamond")
    before = _remaining(sandbox)
    for attempt in (1, 2, 3):
        with pytest.raises(PlatformError) as failed:
            platform.balance(hong.connection, account, context=CallContext(attempt=attempt))
        assert (failed.value.kind, failed.value.code) == (TRANSIENT, 3600)
        assert failed.value.retry_after > 0
    assert _sandbox_calls(sandbox, before) == 3

    with pytest.raises(CircuitOpen) as refused:
        platform.balance(hong.connection, account)
    with pytest.raises(CircuitOpen):
        platform.transactions(hong.connection, account, sandbox_today(), sandbox_today())

    assert _sandbox_calls(sandbox, before) == 3
    assert 55 < refused.value.retry_after <= 60
    sandbox.clear_faults()
    with time_machine.travel(time.time() + 61, tick=True):
        balance = platform.balance(hong.connection, account)  # the probe, which succeeds
        platform.transactions(hong.connection, account, sandbox_today(), sandbox_today())
    assert isinstance(balance, Balance)
    assert _sandbox_calls(sandbox, before) == 5


def test_a_missing_consent_is_permanent_and_says_the_portal_is_needed(platform, sandbox, hong):
    account = hong.accounts["160731060768600001"]
    sandbox.set_fault("consent-expired", vt_acc_no=account.vt_acc_no)

    with pytest.raises(PlatformError) as failed:
        platform.balance(hong.connection, account)

    assert (failed.value.kind, failed.value.code) == (CONSENT_REQUIRED, 4006)
    assert failed.value.permanent is True
    assert failed.value.retry_after is None


def test_malformed_json_is_transient_and_the_next_call_succeeds_once_the_fault_clears(
    platform, sandbox, hong
):
    account = hong.accounts["160678007213500001"]
    sandbox.set_fault("malformed-json", broker="diamond", api="balance", times=1)

    with pytest.raises(ParseError) as failed:
        platform.balance(hong.connection, account)

    assert (failed.value.kind, failed.value.permanent) == (TRANSIENT, False)
    assert isinstance(platform.balance(hong.connection, account), Balance)


def test_the_daily_budget_the_platform_reports_is_kept_for_the_scheduler(platform, sandbox, hong):
    sandbox.set_budget(limit=50000, remaining=1234)

    platform.watchlist(hong.connection, hong.accounts["160678007213500001"])

    budget = platform.budget.read()
    assert (budget.limit, budget.remaining) == (50000, 1233)
