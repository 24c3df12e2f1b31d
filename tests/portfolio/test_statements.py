"""SQL statements per write and queries per read do not grow with holdings, rows or days.

Tests run inside a transaction, so a service's atomic block is a savepoint: the counts
include its SAVEPOINT and RELEASE statements, as they would inside a sync's own transaction.
The balance and ratios services join the caller's transaction without a savepoint.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brokers.models import SyncRun
from portfolio.models import DailyValuation
from portfolio.returns import Period
from portfolio.selectors.performance import total_performance_for_user
from portfolio.services.holdings import account_balance_apply, account_ratios_apply
from portfolio.services.transactions import account_transactions_replace
from portfolio.sync.account import account_sync
from tests.portfolio.factories import (
    LinkedAccountFactory,
    equities,
    equity,
    portfolio,
    star_account,
    summary,
    transaction,
)
from tests.sandbox_server import sandbox_today

pytestmark = pytest.mark.django_db

MON = datetime.date(2026, 3, 2)
SAVEPOINT = 2  # SAVEPOINT and RELEASE SAVEPOINT around each service call


def statements(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def balance_statements(account, holdings_count: int) -> list[int]:
    """Statements of: the first sync, an idle day, and a day with a sale, a buy and a new line."""
    holdings = equities(holdings_count)

    def apply(day: int, lines):
        return lambda: account_balance_apply(
            account=account,
            as_of=MON + datetime.timedelta(days=day),
            summary=summary(cash=str(1000 + day)),
            equities=lines,
            funds=[],
            others=[],
        )

    # The new line's instrument is new to the database too, whichever run comes first.
    new = equity(f"KR8{holdings_count:08d}0", "1")
    changed = [*holdings[2:], equity(holdings[1].isin, "99"), new]
    return [
        statements(apply(0, holdings)),
        statements(apply(1, holdings)),
        statements(apply(2, changed)),
    ]


def test_a_balance_apply_issues_the_same_statements_for_10_and_500_holdings(alice) -> None:
    small = balance_statements(LinkedAccountFactory(user=alice), 10)
    large = balance_statements(LinkedAccountFactory(user=alice), 500)
    assert small == large
    # First sync: 10; idle day: 8 (no instrument, no history write); a day with changes: 11.
    # No savepoint: the service joins the sync's transaction.
    assert small == [10, 8, 11]


def test_a_ratios_apply_issues_the_same_statements_for_10_and_500_lines(alice) -> None:
    def counts(size: int) -> list[int]:
        account = star_account(alice)
        weights = {f"KR7{n:08d}0": "1" for n in range(size)}
        return [
            statements(
                lambda day=day: account_ratios_apply(
                    account=account,
                    as_of=MON + datetime.timedelta(days=day),
                    portfolio=portfolio(weights=weights),
                )
            )
            for day in range(2)
        ]

    assert counts(10) == counts(500) == [8, 6]


def test_replacing_transactions_issues_the_same_statements_for_10_and_500_rows(alice) -> None:
    def counts(size: int) -> list[int]:
        account = LinkedAccountFactory(user=alice)
        rows = [transaction(MON, "DEP", "1")] * size
        fewer = rows[:-1]

        def replace(window):
            return lambda: account_transactions_replace(
                account=account, start=MON, end=MON, transactions=window
            )

        return [statements(replace(rows)), statements(replace(rows)), statements(replace(fewer))]

    # Insert: read, insert, refresh flows. Unchanged: read only. One row fewer: read, delete,
    # refresh flows.
    assert counts(10) == counts(500) == [3 + SAVEPOINT, 1 + SAVEPOINT, 3 + SAVEPOINT]


def seed_valuations(user, accounts: int, days: int) -> None:
    rows = []
    for _ in range(accounts):
        account = LinkedAccountFactory(user=user)
        rows += [
            DailyValuation(
                account=account,
                date=MON + datetime.timedelta(days=n),
                total_value=Decimal(1_000_000 + n * 1000),
                inflow=Decimal(1000 if n % 7 == 0 else 0),
            )
            for n in range(days)
        ]
    DailyValuation.objects.bulk_create(rows)


@pytest.mark.parametrize(("accounts", "days"), [(1, 30), (5, 1000)])
def test_performance_is_one_query_whatever_the_accounts_and_days(alice, accounts, days) -> None:
    seed_valuations(alice, accounts, days)
    as_of = MON + datetime.timedelta(days=days - 1)
    with CaptureQueriesContext(connection) as queries:
        result = total_performance_for_user(user=alice, period=Period.ALL, as_of=as_of)
    assert len(queries) == 1
    assert len(result.accounts) == accounts
    assert len(result.total) == days
    assert result.total_return is not None


def test_a_sync_where_nothing_moved_issues_at_most_20_statements(platform, hong) -> None:
    account = hong.accounts["160678007213500001"]
    day = sandbox_today() - datetime.timedelta(days=1)
    first = account_sync(account_id=account.pk, trigger="nightly", as_of=day, upstream=platform)
    assert first.state == "succeeded"

    with CaptureQueriesContext(connection) as queries:
        again = account_sync(account_id=account.pk, trigger="nightly", as_of=day, upstream=platform)

    run = SyncRun.objects.get(pk=again.run_id)
    assert (run.state, run.calls_used, run.detail["moved"]) == ("succeeded", 1, False)
    # Account, run queued, connection, lock, run started, the balance's 8, account state, run
    # succeeded, unlock, and the two transactions' brackets: 20.
    assert len(queries) == 20
