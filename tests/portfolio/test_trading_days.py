"""KRX trading days (exchange-calendars' XKRX): holidays are not trading days, and the
overview's day change names its base day when it is not the previous trading day."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portfolio.returns import Period, ValuationPoint
from portfolio.selectors.performance import TotalPerformance, overview_figures
from portfolio.trading_days import is_trading_day, previous_trading_day, trading_days

D = datetime.date


def test_the_chuseok_week_of_2025_has_one_trading_day_after_the_second():
    # 3 Oct 개천절, 6-8 Oct 추석, 9 Oct 한글날: from Thursday the 2nd to Friday the 10th.
    assert trading_days(D(2025, 10, 2), D(2025, 10, 10)) == [D(2025, 10, 2), D(2025, 10, 10)]
    assert previous_trading_day(D(2025, 10, 10)) == D(2025, 10, 2)


def test_new_year_and_seollal_are_closed_and_a_plain_weekday_is_open():
    assert not is_trading_day(D(2026, 1, 1))
    assert [is_trading_day(D(2026, 2, day)) for day in (13, 16, 17, 18, 19)] == [
        True,
        False,
        False,
        False,
        True,
    ]


def test_dates_outside_the_calendar_fall_back_to_monday_to_friday():
    assert is_trading_day(D(2001, 1, 2)) and not is_trading_day(D(2001, 1, 6))


def _figures(days: list[datetime.date]):
    points = [ValuationPoint(day, Decimal(100 + n)) for n, day in enumerate(days)]
    performance = TotalPerformance(
        period=Period.ONE_MONTH, start=None, accounts={}, total=points, total_return=None
    )
    return overview_figures(performance=performance, latest=[])


def test_after_the_holidays_the_day_change_is_measured_from_the_previous_trading_day():
    figures = _figures([D(2025, 10, 2), D(2025, 10, 10)])

    assert (figures.since, figures.day_change) == (D(2025, 10, 2), Decimal(1))
    assert figures.since_other_than_previous_trading_day is False


def test_a_missed_trading_day_makes_the_overview_name_the_day_it_compares_with():
    figures = _figures([D(2025, 10, 1), D(2025, 10, 10)])

    assert figures.since_other_than_previous_trading_day is True
