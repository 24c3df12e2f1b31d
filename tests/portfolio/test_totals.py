"""The daily totals kept per user (`portfolio.totals`) are the valuations combined: after syncs
that add, change and remove days, with accounts valued weekly (carried days), days derived from
the lists (estimated) and flows pending; and a page never shows a total that fell behind."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portfolio.models import DailyTotal, DailyValuation
from portfolio.returns import Period, combine, time_weighted_return
from portfolio.selectors.accounts import latest_valuations_for_user
from portfolio.selectors.performance import total_performance_for_user
from portfolio.services.holdings import account_balance_apply
from portfolio.services.transactions import account_transactions_replace
from portfolio.services.valuations import account_flows_pending_mark, account_flows_settle
from portfolio.totals import total_points, user_totals_refresh, valuation_points
from tests.portfolio.factories import LinkedAccountFactory, equity, summary
from tests.portfolio.factories import transaction as txn

pytestmark = pytest.mark.django_db

D = Decimal
MON = datetime.date(2026, 3, 2)


def day(n: int) -> datetime.date:
    return MON + datetime.timedelta(days=n)


def sync(account, on, cash, securities="0"):
    """A balance as a sync applies it: the summary's total is cash + securities."""
    return account_balance_apply(
        account=account,
        as_of=on,
        summary=summary(cash=cash, securities=securities, purchase=securities),
        equities=[],
        funds=[],
        others=[],
    )


def estimated(account, on, value):
    """A balance without a summary: the valuation is derived from the lists (`is_derived`)."""
    return account_balance_apply(
        account=account,
        as_of=on,
        summary=None,
        equities=[equity("KR7005930003", purchase=value, value=value)],
        funds=[],
        others=[],
    )


def kept(user) -> list[tuple]:
    return list(
        DailyTotal.objects.filter(user=user)
        .order_by("date")
        .values_list("date", "total_value", "inflow", "outflow", "flows_pending")
    )


def recomputed(user) -> list[tuple]:
    """The totals computed afresh from every valuation row of the user."""
    accounts = valuation_points(user_id=user.pk, start=None, end=datetime.date.max)
    return [
        (point.date, point.value, point.inflow, point.outflow, point.pending)
        for point in combine(accounts.values())
    ]


@pytest.fixture
def accounts(alice):
    """A valued every day, B only on Mondays (a paged broker synced weekly)."""
    return LinkedAccountFactory(user=alice), LinkedAccountFactory(user=alice)


def test_totals_follow_syncs_that_add_change_and_remove_days(alice, bob, accounts) -> None:
    a, b = accounts
    other = LinkedAccountFactory(user=bob)
    sync(other, day(0), "777")
    sync(a, day(0), "1000")
    sync(b, day(0), "500")
    for n in (1, 2, 3, 4):
        sync(a, day(n), str(1000 + n * 10))
    assert kept(alice) == recomputed(alice)
    # Carried days: B has no valuation from Tuesday to Friday; its Monday value is carried.
    assert [row[1] for row in kept(alice)] == [D(1500), D(1510), D(1520), D(1530), D(1540)]
    # B's first valuation brings its whole value in as new money, on its first day only.
    assert kept(alice)[0][2] == D(1500)

    sync(b, day(7), "600")  # a day only B has
    sync(a, day(2), "2000")  # a day synced again with another answer
    estimated(a, day(8), "1111")  # a day derived from the lists (no summary)
    assert DailyValuation.objects.get(account=a, date=day(8)).is_derived
    assert kept(alice) == recomputed(alice)
    assert dict((row[0], row[1]) for row in kept(alice))[day(7)] == D(1040) + D(600)

    # A past day backfilled between two others (a stale answer writes only its valuation).
    sync(b, day(3), "550")
    assert kept(alice) == recomputed(alice)
    assert dict((row[0], row[1]) for row in kept(alice))[day(3)] == D(1030) + D(550)

    # Removing days: a valuation row gone, then a whole account deleted.
    DailyValuation.objects.filter(account=b, date=day(7)).delete()
    user_totals_refresh(user_id=alice.pk, since=day(7))
    assert day(7) not in [row[0] for row in kept(alice)]
    assert kept(alice) == recomputed(alice)
    b.delete()
    assert kept(alice) == recomputed(alice)
    assert [row[1] for row in kept(alice)][:2] == [D(1000), D(1010)]

    # Another user's totals were never touched.
    assert kept(bob) == [(day(0), D(777), D(777), D(0), False)]


def test_totals_follow_flows_recomputed_pending_and_settled(alice, accounts) -> None:
    a, b = accounts
    for n in range(5):
        sync(a, day(n), str(1000 + n * 100))
    sync(b, day(0), "500")
    # Transactions read later: a deposit on Wednesday and a withdrawal on Thursday.
    account_transactions_replace(
        account=a,
        start=day(0),
        end=day(4),
        transactions=[txn(day(2), "DEP", "150"), txn(day(3), "WID", "-40")],
    )
    assert kept(alice) == recomputed(alice)
    by_day = {row[0]: row for row in kept(alice)}
    assert (by_day[day(2)][2], by_day[day(3)][3]) == (D(150), D(40))

    # A sync whose transactions failed: the day's flows are pending, then settled.
    sync(a, day(7), "1600")
    account_flows_pending_mark(account=a, as_of=day(7))
    assert kept(alice)[-1] == (day(7), D(2100), D(0), D(0), True)
    assert kept(alice) == recomputed(alice)
    a.flows_pending_from = day(7)
    account_flows_settle(account=a, through=day(7))
    assert kept(alice)[-1][4] is False
    assert kept(alice) == recomputed(alice)


@pytest.mark.parametrize("period", list(Period))
def test_a_ranges_total_and_return_read_from_the_totals_equal_those_combined(
    alice, accounts, period
) -> None:
    a, b = accounts
    rows = [
        DailyValuation(
            account=account,
            date=MON - datetime.timedelta(days=n),
            total_value=D(base + (n * 37) % 900),
            inflow=D(n % 50 if n % 13 == 0 else 0),
        )
        for account, step, base in ((a, 3, 100000), (b, 7, 50000))
        for n in range(0, 400, step)
    ]
    DailyValuation.objects.bulk_create(rows)
    user_totals_refresh(user_id=alice.pk, since=None)
    latest = latest_valuations_for_user(user=alice).values()

    kept_range = total_performance_for_user(user=alice, period=period, as_of=MON, latest=latest)
    combined = total_performance_for_user(user=alice, period=period, as_of=MON)

    assert kept_range.accounts == {}  # read from the totals, not combined
    assert combined.accounts  # combined from the valuations
    assert kept_range.total_return == combined.total_return is not None
    assert kept_range.total[-2:] == combined.total[-2:]
    assert kept_range.total_return == time_weighted_return(
        combine(valuation_points(user_id=alice.pk, start=None, end=MON).values()),
        start=kept_range.start,
        end=MON,
    )


def test_a_page_never_shows_totals_that_fell_behind_the_valuations(alice, accounts) -> None:
    a, b = accounts
    sync(a, day(0), "1000")
    sync(b, day(0), "500")
    # Written by something that did not refresh the totals.
    DailyValuation.objects.create(account=a, date=day(1), total_value=D(1300), inflow=D(200))
    assert total_points(user_id=alice.pk, start=None, end=day(1))[-1].date == day(0)

    latest = latest_valuations_for_user(user=alice).values()
    performance = total_performance_for_user(
        user=alice, period=Period.ALL, as_of=day(1), latest=latest
    )

    assert performance.total[-1].value == D(1800)  # combined from the rows instead
    # (1300 − 200 + 500) ÷ 1500 − 1: A's deposit is not a gain.
    assert performance.total_return is not None
    assert round(performance.total_return, 12) == round(D(1600) / D(1500) - 1, 12)


def test_the_migration_fills_every_users_totals_from_the_valuations_stored(
    alice, bob, accounts
) -> None:
    import importlib

    from django.apps import apps

    a, b = accounts
    other = LinkedAccountFactory(user=bob)
    DailyValuation.objects.bulk_create(
        [
            DailyValuation(account=a, date=day(0), total_value=D(1000)),
            DailyValuation(account=a, date=day(2), total_value=D(1100), inflow=D(50)),
            DailyValuation(account=b, date=day(1), total_value=D(300)),
            DailyValuation(account=other, date=day(0), total_value=D(9)),
        ]
    )
    assert kept(alice) == kept(bob) == []

    importlib.import_module("portfolio.migrations.0005_daily_totals_fill").fill(apps, None)

    assert kept(alice) == recomputed(alice)
    assert [row[1] for row in kept(alice)] == [D(1000), D(1300), D(1400)]
    assert kept(bob) == [(day(0), D(9), D(9), D(0), False)]


@pytest.mark.django_db(transaction=True)
def test_two_accounts_synced_side_by_side_leave_totals_with_both(alice) -> None:
    import threading
    import time

    from django.db import connection, transaction

    a, b = LinkedAccountFactory(user=alice), LinkedAccountFactory(user=alice)
    sync(a, day(0), "1000")
    sync(b, day(0), "500")
    written = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                sync(a, day(1), "1100")
                written.set()
                time.sleep(0.5)  # the other sync refreshes meanwhile, or waits for this one
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert written.wait(10)
    sync(b, day(1), "600")  # its own transaction, while the first is still open
    thread.join()

    # Without the per-user lock, each would have combined without the other's day: 1,600.
    assert kept(alice)[-1][:2] == (day(1), D(1700))
    assert kept(alice) == recomputed(alice)
