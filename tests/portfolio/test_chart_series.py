"""The net-worth chart's days and values: a range starts on its first KRX trading day with
every account's value carried into it, accounts not valued on a day carry their last value
(flagged as carried), and the privacy index comes from the same totals as the amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portfolio import charts
from portfolio.returns import ValuationPoint

D = datetime.date
LABELS = {
    1: ("다이아몬드증권 ····0001", "다이아몬드증권"),
    2: ("사이버증권 ····0002", "사이버증권"),
}

pytestmark = pytest.mark.django_db  # the trading calendar is shared through the cache


def point(day: datetime.date, value: int) -> ValuationPoint:
    return ValuationPoint(day, Decimal(value))


def test_this_year_starts_on_its_first_trading_day_not_on_last_years_base_row() -> None:
    # Base rows from before the range: one account valued on 12-26, the other on 12-30.
    accounts = {
        1: [point(D(2025, 12, 26), 1_000_000), point(D(2026, 1, 5), 1_010_000)],
        2: [point(D(2025, 12, 30), 3_000_000), point(D(2026, 1, 9), 3_100_000)],
    }

    dates = charts.chart_dates(accounts, start=D(2025, 12, 31), end=D(2026, 1, 9))

    # 1 January is a KRX holiday; the 3rd and 4th are a weekend.
    assert dates == [D(2026, 1, 2), D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7), D(2026, 1, 8),
                     D(2026, 1, 9)]  # fmt: skip
    series = charts.stacked_series(accounts=accounts, labels=LABELS, stack="account", dates=dates)
    # Both accounts are there from the first day: the total never jumps as one "appears".
    assert series.totals[0] == Decimal(4_000_000)
    assert series.totals == [Decimal(v) for v in (4_000_000, 4_010_000, 4_010_000, 4_010_000,
                                                  4_010_000, 4_110_000)]  # fmt: skip


def test_a_weekly_account_carries_its_value_over_the_week_and_says_so() -> None:
    accounts = {
        1: [point(D(2026, 3, d), 1_000_000 + d) for d in (2, 3, 4, 5, 6)],
        2: [point(D(2026, 2, 27), 5_000_000), point(D(2026, 3, 6), 5_500_000)],
    }
    dates = charts.chart_dates(accounts, start=D(2026, 2, 27), end=D(2026, 3, 6))

    series = charts.stacked_series(accounts=accounts, labels=LABELS, stack="account", dates=dates)

    weekly = dict(series.parts)["사이버증권 ····0002"]
    assert weekly == [Decimal(5_000_000)] * 4 + [Decimal(5_500_000)]
    assert series.carried["사이버증권 ····0002"] == [True, True, True, True, False]
    assert series.carried["다이아몬드증권 ····0001"] == [False] * 5
    payload = charts.series_payload(series, privacy=False)
    assert [d["carried"] for d in payload["datasets"]] == [[False] * 5, [True] * 4 + [False]]


def test_the_privacy_index_is_the_same_totals_rebased_and_does_not_jump_on_day_one() -> None:
    accounts = {
        1: [point(D(2026, 3, 2), 1_000_000), point(D(2026, 3, 3), 1_100_000)],
        2: [point(D(2026, 2, 20), 3_000_000)],  # last valued before the range
    }
    dates = charts.chart_dates(accounts, start=D(2026, 2, 27), end=D(2026, 3, 3))
    series = charts.stacked_series(accounts=accounts, labels=LABELS, stack="account", dates=dates)

    amounts = charts.series_payload(series, privacy=False)["total"]
    index = charts.series_payload(series, privacy=True)["total"]

    assert amounts == [4_000_000, 4_100_000]
    assert index == [100.0, 102.5]
    assert index == [round(a * 100 / amounts[0], 2) for a in amounts]
