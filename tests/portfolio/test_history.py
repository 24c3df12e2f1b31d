"""Holdings history (validity periods) and the reads built on the stored data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q

from portfolio.models import HoldingPeriod
from portfolio.returns import Period, time_weighted_return
from portfolio.selectors.performance import total_performance_for_user, valuations_for_user
from portfolio.services.holdings import account_balance_apply
from portfolio.services.transactions import account_transactions_replace
from tests.portfolio.factories import LinkedAccountFactory, equity, summary
from tests.portfolio.factories import transaction as txn

pytestmark = pytest.mark.django_db

D = Decimal
START = datetime.date(2026, 3, 2)
SAMSUNG = "KR7005930003"
HYNIX = "KR7000660001"
NAVER = "KR7035420009"


def day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


@pytest.fixture
def account(alice):
    return LinkedAccountFactory(user=alice)


def apply(account, as_of, holdings, *, cash="1000000", securities="0", total=None):
    return account_balance_apply(
        account=account,
        as_of=as_of,
        summary=summary(cash=cash, securities=securities, total=total),
        equities=holdings,
        funds=[],
        others=[],
    )


def held(account, on) -> dict[str, Decimal | None]:
    """The positions the account's history says it held at the close of `on`."""
    periods = HoldingPeriod.objects.filter(account=account, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    return {p.instrument.key: p.quantity for p in periods.select_related("instrument")}


def test_thirty_days_without_a_change_add_no_history(account) -> None:
    positions = [equity(SAMSUNG, "10"), equity(HYNIX, "5")]
    apply(account, day(0), positions)
    assert HoldingPeriod.objects.count() == 2
    for n in range(1, 31):
        # Prices move every day; positions do not.
        moved = [equity(SAMSUNG, "10", value=str(110000 + n)), equity(HYNIX, "5", value="9")]
        apply(account, day(n), moved)
    assert HoldingPeriod.objects.count() == 2
    assert account.valuations.count() == 31


def test_a_change_closes_one_period_and_opens_one(account) -> None:
    apply(account, day(0), [equity(SAMSUNG, "10"), equity(HYNIX, "5")])
    result = apply(account, day(1), [equity(SAMSUNG, "15", purchase="160000"), equity(HYNIX, "5")])
    assert (result.opened, result.closed) == (1, 1)
    assert list(
        HoldingPeriod.objects.filter(instrument__key=SAMSUNG)
        .order_by("valid_from")
        .values_list("quantity", "purchase_value", "valid_from", "valid_to")
    ) == [
        (D("10"), D("100000"), day(0), day(1)),
        (D("15"), D("160000"), day(1), None),
    ]


def test_holdings_on_a_date_are_the_positions_as_they_were(account) -> None:
    apply(account, day(0), [equity(SAMSUNG, "10"), equity(HYNIX, "5")])
    apply(account, day(1), [equity(SAMSUNG, "10"), equity(HYNIX, "5")])
    apply(account, day(3), [equity(SAMSUNG, "12"), equity(HYNIX, "5")])  # bought 2 on day 3
    apply(account, day(5), [equity(SAMSUNG, "12"), equity(NAVER, "1")])  # swapped HYNIX for NAVER
    apply(account, day(8), [equity(NAVER, "1")])  # sold SAMSUNG

    assert held(account, day(0) - datetime.timedelta(days=1)) == {}  # before the first sync
    assert held(account, day(0)) == {SAMSUNG: D("10"), HYNIX: D("5")}
    assert held(account, day(2)) == {SAMSUNG: D("10"), HYNIX: D("5")}
    assert held(account, day(3)) == {SAMSUNG: D("12"), HYNIX: D("5")}
    assert held(account, day(4)) == {SAMSUNG: D("12"), HYNIX: D("5")}
    assert held(account, day(5)) == {SAMSUNG: D("12"), NAVER: D("1")}
    assert held(account, day(8)) == {NAVER: D("1")}
    assert held(account, day(300)) == {NAVER: D("1")}
    # Four periods: SAMSUNG 10, SAMSUNG 12, HYNIX 5 and NAVER 1; nothing per day.
    assert HoldingPeriod.objects.count() == 4


def test_a_same_day_resync_replaces_the_days_change_instead_of_adding_one(account) -> None:
    apply(account, day(0), [equity(SAMSUNG, "10")])
    # Day 1 is synced three times: 12 (a buy), then 14 (another buy), then back to 10 (both
    # were cancelled upstream). The history ends as if day 1 had never changed anything.
    apply(account, day(1), [equity(SAMSUNG, "12")])
    apply(account, day(1), [equity(SAMSUNG, "14")])
    periods = HoldingPeriod.objects.order_by("valid_from")
    assert list(periods.values_list("quantity", "valid_to")) == [(D("10"), day(1)), (D("14"), None)]
    apply(account, day(1), [equity(SAMSUNG, "10")])
    assert list(HoldingPeriod.objects.values_list("quantity", "valid_from", "valid_to")) == [
        (D("10"), day(0), None)
    ]


def test_a_position_sold_and_bought_back_opens_a_new_period(account) -> None:
    apply(account, day(0), [equity(SAMSUNG, "10")])
    apply(account, day(1), [])
    apply(account, day(2), [equity(SAMSUNG, "10")])
    assert list(
        HoldingPeriod.objects.order_by("valid_from").values_list("valid_from", "valid_to")
    ) == [(day(0), day(1)), (day(2), None)]
    assert held(account, day(1)) == {}


def test_the_valuation_series_starts_with_the_value_carried_into_the_range(account, alice) -> None:
    for n, total in [(0, "1000"), (1, "1100"), (4, "1210")]:
        apply(account, day(n), [], cash=total)
    series = valuations_for_user(user=alice, start=day(2), end=day(10))
    assert [(p.date, p.value) for p in series[account.pk]] == [
        (day(1), D("1100")),
        (day(4), D("1210")),
    ]


def returns_of(accounts) -> dict[int, Decimal | None]:
    return {pk: time_weighted_return(points) for pk, points in accounts.items()}


def test_performance_agrees_with_the_hand_computed_returns(alice, bob) -> None:
    a = LinkedAccountFactory(user=alice)
    b = LinkedAccountFactory(user=alice)
    LinkedAccountFactory(user=bob)  # another user's account must not count
    # A: 1,000 → (500 deposited, +10 % on the 1,000) 1,600 → 1,760.
    apply(a, day(0), [], cash="1000")
    apply(a, day(1), [], cash="1600")
    apply(a, day(2), [], cash="1760")
    account_transactions_replace(
        account=a, start=day(0), end=day(2), transactions=[txn(day(1), "DEP", "500")]
    )
    # B opens on day 1 with 1,000 and loses 5 % on day 2.
    apply(b, day(1), [], cash="1000")
    apply(b, day(2), [], cash="950")

    result = total_performance_for_user(user=alice, period=Period.ALL, as_of=day(2))
    # A: r1 = (1,600 − 500) / 1,000 − 1 = 0.1, r2 = 1,760 / 1,600 − 1 = 0.1 → 0.21.
    # B: 950 / 1,000 − 1 = −0.05.
    assert returns_of(result.accounts) == {a.pk: D("0.21"), b.pk: D("-0.05")}
    # Total: 1,000 → 2,600 (in: 500 + B's 1,000) → 2,710.
    #   r1 = (2,600 − 1,500) / 1,000 − 1 = 0.1; r2 = 2,710 / 2,600 − 1.
    #   TWR = 1.1 × 2,710 / 2,600 − 1 = 0.146538461538…
    assert [p.value for p in result.total] == [D("1000"), D("2600"), D("2710")]
    assert result.total_return.quantize(D("1E-12")) == D("0.146538461538")

    one_day = total_performance_for_user(user=alice, period=Period.ALL, as_of=day(1))
    assert returns_of(one_day.accounts) == {a.pk: D("0.1"), b.pk: None}
