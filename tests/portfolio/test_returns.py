"""Time-weighted return and unrealised P/L, with the expected figures worked out by hand.

Formula under test (portfolio.returns): r_t = (V_t − F_t) / V_{t−1} − 1, flows at the end of
the day; TWR = Π(1 + r_t) − 1.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.returns import (
    Period,
    ValuationPoint,
    combine,
    period_start,
    time_weighted_return,
    unrealised_pl,
)

D = Decimal


def day(n: int) -> datetime.date:
    """Day n of March 2026 (1 March is a Sunday; gaps are what matters here, not weekdays)."""
    return datetime.date(2026, 3, n)


def point(n: int, value: str, inflow: str = "0", outflow: str = "0") -> ValuationPoint:
    return ValuationPoint(day(n), D(value), D(inflow), D(outflow))


def test_a_series_without_flows_returns_the_chained_daily_changes() -> None:
    # 100 → 110 is +10 %, 110 → 99 is −10 %: 1.1 × 0.9 − 1 = −0.01.
    points = [point(2, "100"), point(3, "110"), point(4, "99")]
    assert time_weighted_return(points) == D("-0.01")


def test_a_deposit_is_taken_out_of_the_return() -> None:
    # Day 3: 500 deposited, the original 1,000 grew 10 % → V = 1,100 + 500 = 1,600.
    #   r = (1,600 − 500) / 1,000 − 1 = 0.1
    # Day 4: 1,600 → 1,760: r = 0.1.  TWR = 1.1 × 1.1 − 1 = 0.21.
    # (The simple gain, (1,760 − 1,500) / 1,000 = 0.26, would count the deposit's own growth
    # as if it had been there from the start.)
    points = [point(2, "1000"), point(3, "1600", inflow="500"), point(4, "1760")]
    assert time_weighted_return(points) == D("0.21")


def test_a_withdrawal_is_taken_out_of_the_return() -> None:
    # Day 3: 400 withdrawn, no market move → V = 600; r = (600 − (−400)) / 1,000 − 1 = 0.
    # Day 4: 600 → 660: r = 0.1.  TWR = 0.1, although the value fell by 340.
    points = [point(2, "1000"), point(3, "600", outflow="400"), point(4, "660")]
    assert time_weighted_return(points) == D("0.1")


def test_a_full_withdrawal_restarts_the_chain_at_the_next_funded_day() -> None:
    # Day 2 → 3: 1,000 → 1,050, r = 0.05.
    # Day 4: everything (1,050) withdrawn → V = 0; r = (0 + 1,050) / 1,050 − 1 = 0.
    # Day 5: V = 0, opening 0 → skipped (nothing at risk, no division by zero).
    # Day 6: 2,000 deposited → V = 2,000; opening 0 → skipped; day 6 is the new base.
    # Day 7: 2,000 → 2,200, r = 0.1.
    # TWR = 1.05 × 1 × 1.1 − 1 = 0.155.
    points = [
        point(2, "1000"),
        point(3, "1050"),
        point(4, "0", outflow="1050"),
        point(5, "0"),
        point(6, "2000", inflow="2000"),
        point(7, "2200"),
    ]
    assert time_weighted_return(points) == D("0.155")
    assert time_weighted_return(points, end=day(6)) == D("0.05")


def test_an_account_starting_mid_period_is_chained_from_its_first_valuation() -> None:
    # The range starts on day 1 but the account's first valuation is on day 10 (500, of which
    # 500 deposited that day: the base, its own flows are before the measured period).
    # Day 10 → 11: 500 → 550, r = 0.1.
    points = [point(10, "500", inflow="500"), point(11, "550")]
    assert time_weighted_return(points, start=day(1), end=day(31)) == D("0.1")


def test_a_day_without_data_is_skipped_and_its_flows_go_to_the_next_valuation() -> None:
    # No valuation on day 3; 100 was deposited that day, so the valuation of day 4 carries it.
    # Sub-period day 2 → day 4: r = (1,200 − 100) / 1,000 − 1 = 0.1. No zero is invented for
    # day 3 (that would give −100 % and then a division by zero).
    points = [point(2, "1000"), point(4, "1200", inflow="100")]
    assert time_weighted_return(points) == D("0.1")


def test_a_range_is_measured_from_the_last_valuation_on_or_before_its_start() -> None:
    # Start on day 4 (no valuation): the base is day 3's 1,100 carried forward; day 2 is outside.
    # Day 3 → 5: 1,100 → 1,210, r = 0.1.
    points = [point(2, "1000"), point(3, "1100"), point(5, "1210"), point(6, "1331")]
    assert time_weighted_return(points, start=day(4), end=day(5)) == D("0.1")


def test_a_range_with_one_valuation_has_no_return() -> None:
    assert time_weighted_return([point(2, "1000")]) is None
    assert time_weighted_return([]) is None
    # Only an empty opening: nothing could be measured.
    assert time_weighted_return([point(2, "0"), point(3, "100", inflow="100")]) is None


def test_the_total_is_chained_from_summed_values_and_flows_not_averaged() -> None:
    # A: 1,000 → 1,100 (+10 %) → 1,100.  B opens on day 3 with 1,000, then 1,050 (+5 %).
    # Total: day 2: 1,000.  Day 3: 2,100 with B's 1,000 as an inflow:
    #   r = (2,100 − 1,000) / 1,000 − 1 = 0.1 (B's arrival is new money, not a gain).
    # Day 4: 2,150: r = 2,150 / 2,100 − 1.
    # TWR = 1.1 × 2,150 / 2,100 − 1 = 265 / 2,100 = 0.126190476190…
    # (The average of the accounts' returns, (0.1 + 0.05) / 2 = 0.075, would be wrong.)
    a = [point(2, "1000"), point(3, "1100"), point(4, "1100")]
    b = [point(3, "1000", inflow="1000"), point(4, "1050")]
    total = combine([a, b])
    # Every account enters the total as an inflow of its first value; A's on day 2 is the base
    # point's own flow, before the measured period.
    assert total == [
        point(2, "1000", inflow="1000"),
        point(3, "2100", inflow="1000"),
        point(4, "2150"),
    ]
    assert time_weighted_return(total).quantize(D("1E-12")) == D("0.126190476190")


def test_the_total_carries_an_account_forward_over_a_day_it_has_no_data() -> None:
    # A has no valuation on day 3; its 1,000 of day 2 is carried, not replaced by 0.
    # Total: 2,000 → (1,000 + 1,100) = 2,100 → (1,210 + 1,100) = 2,310.
    # r = 0.05, then 2,310 / 2,100 − 1 = 0.1: TWR = 1.05 × 1.1 − 1 = 0.155 (= 2,310 / 2,000 − 1
    # since nothing flowed).
    a = [point(2, "1000"), point(4, "1210")]
    b = [point(2, "1000"), point(3, "1100"), point(4, "1100")]
    total = combine([a, b])
    assert [p.value for p in total] == [D("2000"), D("2100"), D("2310")]
    assert time_weighted_return(total) == D("0.155")


def test_the_total_counts_flows_of_each_account_once() -> None:
    # A receives a 500 deposit on day 3 and gains nothing; B gains 10 %.
    # Total day 3: 1,500 + 1,100 = 2,600 with 500 in: r = (2,600 − 500) / 2,000 − 1 = 0.05.
    a = [point(2, "1000"), point(3, "1500", inflow="500")]
    b = [point(2, "1000"), point(3, "1100")]
    assert time_weighted_return(combine([a, b])) == D("0.05")


@pytest.mark.parametrize(
    ("period", "as_of", "expected"),
    [
        (Period.ONE_MONTH, datetime.date(2026, 3, 31), datetime.date(2026, 2, 28)),
        (Period.THREE_MONTHS, datetime.date(2026, 3, 31), datetime.date(2025, 12, 31)),
        (Period.SIX_MONTHS, datetime.date(2026, 3, 31), datetime.date(2025, 9, 30)),
        (Period.YEAR_TO_DATE, datetime.date(2026, 3, 31), datetime.date(2025, 12, 31)),
        (Period.ONE_YEAR, datetime.date(2024, 2, 29), datetime.date(2023, 2, 28)),
        (Period.ONE_MONTH, datetime.date(2026, 1, 15), datetime.date(2025, 12, 15)),
        (Period.ALL, datetime.date(2026, 3, 31), None),
    ],
)
def test_range_starts_are_computed_from_the_as_of_date(
    period: Period, as_of: datetime.date, expected: datetime.date | None
) -> None:
    assert period_start(period, as_of) == expected


def test_ytd_counts_the_first_trading_day_of_the_year() -> None:
    # Base: the close of 30 December (last valuation on or before 31 December) = 1,000.
    # 2 January: 1,100 → YTD = 0.1.
    points = [
        ValuationPoint(datetime.date(2025, 12, 30), D("1000")),
        ValuationPoint(datetime.date(2026, 1, 2), D("1100")),
    ]
    as_of = datetime.date(2026, 1, 2)
    start = period_start(Period.YEAR_TO_DATE, as_of)
    assert time_weighted_return(points, start=start, end=as_of) == D("0.1")


def test_valuations_after_the_end_of_the_range_are_ignored() -> None:
    points = [point(2, "1000"), point(3, "1100"), point(4, "5000")]
    assert time_weighted_return(points, end=day(3)) == D("0.1")


def test_two_valuations_on_one_day_are_refused() -> None:
    with pytest.raises(ValueError, match="two valuations"):
        time_weighted_return([point(2, "1"), point(2, "2")])


def test_unrealised_pl_is_measured_against_the_purchase_value() -> None:
    pl = unrealised_pl(current_value=D("1200"), purchase_value=D("1000"))
    assert (pl.amount, pl.rate) == (D("200"), D("0.2"))
    # The broker's own figure wins (it may include fees): 190 / 1,000.
    pl = unrealised_pl(current_value=D("1200"), purchase_value=D("1000"), profit_loss=D("190"))
    assert (pl.amount, pl.rate) == (D("190"), D("0.19"))
    # Nothing paid (e.g. shares received for free): no rate rather than a division by zero.
    assert unrealised_pl(current_value=D("50"), purchase_value=D("0")).rate is None


amounts = st.decimals(min_value=1, max_value=10**12, places=0)


@given(st.lists(amounts, min_size=2, max_size=30))
def test_without_flows_the_twr_is_the_simple_return(values: list[Decimal]) -> None:
    first = datetime.date(2026, 1, 1)
    points = [ValuationPoint(first + datetime.timedelta(i), v) for i, v in enumerate(values)]
    result = time_weighted_return(points)
    assert isinstance(result, Decimal)
    expected = values[-1] / values[0] - 1
    assert abs(result - expected) <= abs(expected) * D("1E-24") + D("1E-24")
