"""Returns: the time-weighted return of accounts and of their total, and unrealised P/L.

Pure functions: `Decimal` in, `Decimal` out, no float, no clock and no database. Callers pass
the valuations they have read (`portfolio.selectors`) and the date the figures are "as of".

Time-weighted return (TWR)
--------------------------
The valuations V_0, V_1, …, V_n of an account are its end-of-day totals on the days that have
one. They cut time into sub-periods (V_{t−1}, V_t]. F_t is the net external flow of sub-period
t: money the holder put in (DEP) minus money taken out (WID), dated after the day of V_{t−1}
and up to and including the day of V_t. Flows are taken at the END of the day:

    r_t = (V_t − F_t) / V_{t−1} − 1
    TWR = (1 + r_1) × (1 + r_2) × … × (1 + r_n) − 1

Why the end of the day: the platform dates transactions by day with no time, and balances are
read after the market closes. Money deposited during a day lands as cash and has earned nothing
by that close, so it must not enlarge the capital the day's return is measured on; money
withdrawn during a day was in the account at the previous close, so V_{t−1} already contains it.
The start-of-day variant, V_t / (V_{t−1} + F_t) − 1, would credit a deposit with a whole day of
market moves it never saw, and divides by zero when an account is emptied in one day.

Rules at the edges, applied the same way everywhere:
- A sub-period that opens at V_{t−1} ≤ 0 (an emptied account, or one in margin debt) has no
  capital at risk to measure a return on: it is skipped (factor 1) and the chain continues from
  V_t. A full withdrawal therefore gives r_t = (0 − (−V_{t−1})) / V_{t−1} − 1 = 0 on its day; the
  empty days after it are skipped; the day money arrives again is the new base. Nothing divides
  by zero.
- A day without a valuation is not a point of the series: nothing is invented for it (never a
  zero value). Its flows belong to the next valuation's sub-period, which therefore spans the gap.
- A range (start, end] is measured from the close of `start`: the base is the last valuation on
  or before `start`, carried forward. When the data begin after `start` (an account opened
  mid-period, or a range longer than the history), the chain starts at the first valuation; the
  flows of the base point are before the measured period and are ignored.
- The total of several accounts is NOT an average of their returns: their values and flows are
  summed day by day (`combine`) and the sum is chained like one account. An account without a
  valuation on a day contributes its last known value (carried forward). An account's first
  valuation brings its whole value into the total as an inflow, so a newly linked account is
  new money for the total, not a gain.
- Known limit: only cash flows count as external. A transfer of securities in or out (a DEP or
  WID that moves a quantity with no cash amount) shows up as a gain or a loss.

Rates here are fractions (0.05 is 5 %); the platform's `earningRate` is in percent.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)

# Every computation runs in this context, so that a caller's decimal settings cannot change a
# figure and long chains keep their precision.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


class Period(StrEnum):
    """The ranges the dashboard offers."""

    ONE_MONTH = "1M"
    THREE_MONTHS = "3M"
    SIX_MONTHS = "6M"
    YEAR_TO_DATE = "YTD"
    ONE_YEAR = "1Y"
    ALL = "ALL"


@dataclass(frozen=True, slots=True)
class ValuationPoint:
    """An end-of-day value and the external flows of the sub-period that ends on that day."""

    date: datetime.date
    value: Decimal
    inflow: Decimal = ZERO  # money put in (DEP), as a positive amount
    outflow: Decimal = ZERO  # money taken out (WID), as a positive amount
    # The balance was read but the sub-period's transactions not yet: its flows are unknown,
    # so returns leave the point out (it is always at the end of a series: transactions are
    # read in order, and reading them settles every earlier day).
    pending: bool = False

    @property
    def net_flow(self) -> Decimal:
        return self.inflow - self.outflow


@dataclass(frozen=True, slots=True)
class UnrealisedPL:
    amount: Decimal
    rate: Decimal | None  # amount / purchase value; None when nothing was paid


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_PERIOD_MONTHS = {
    Period.ONE_MONTH: 1,
    Period.THREE_MONTHS: 3,
    Period.SIX_MONTHS: 6,
    Period.ONE_YEAR: 12,
}


def period_start(period: Period, as_of: datetime.date) -> datetime.date | None:
    """The close a range is measured from (its base date); None for all of the history.

    1M as of 31 March starts at the close of 28 (or 29) February; YTD starts at the close of
    31 December of the previous year, so that the first trading day of the year counts.
    """
    if period is Period.ALL:
        return None
    if period is Period.YEAR_TO_DATE:
        return datetime.date(as_of.year - 1, 12, 31)
    return _months_before(as_of, _PERIOD_MONTHS[period])


def _ordered(points: Iterable[ValuationPoint]) -> list[ValuationPoint]:
    ordered = sorted(points, key=lambda point: point.date)
    for before, after in itertools.pairwise(ordered):
        if before.date == after.date:
            raise ValueError(f"two valuations for {after.date}: a series has one per day")
    return ordered


def _window(
    points: Iterable[ValuationPoint],
    start: datetime.date | None,
    end: datetime.date | None,
) -> list[ValuationPoint]:
    """The points a range is chained over: its base point first, nothing after `end`, and no
    point whose flows are pending (a deposit must never count as a gain)."""
    ordered = [p for p in _ordered(points) if (end is None or p.date <= end) and not p.pending]
    if start is None:
        return ordered
    base = 0
    for index, point in enumerate(ordered):
        if point.date > start:
            break
        base = index
    return ordered[base:]


def _chain(window: Sequence[ValuationPoint]) -> tuple[Decimal, int]:
    """The return chained over `window` and how many sub-periods were measured (not skipped)."""
    measured = 0
    growth = ONE
    if not window:
        return ZERO, 0
    with localcontext(_CONTEXT):
        opening = window[0].value
        for point in window[1:]:
            if opening > ZERO:
                growth *= (point.value - point.net_flow) / opening
                measured += 1
            opening = point.value
        return growth - ONE, measured


def time_weighted_return(
    points: Iterable[ValuationPoint],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Decimal | None:
    """The TWR over (start, end] as a fraction; None when no sub-period could be measured."""
    cumulative, measured = _chain(_window(points, start, end))
    if not measured:
        return None
    return cumulative


def combine(accounts: Iterable[Iterable[ValuationPoint]]) -> list[ValuationPoint]:
    """The total of several accounts' series, one point per day that any of them has.

    On each day: the value is the sum of every started account's value on that day or, where an
    account has none, its last known value; the flows are the sum of the flows of the accounts
    valued that day, plus the whole value of each account valued for the first time (it comes
    into the total as new money). An account contributes nothing before its first valuation.
    """
    by_date = [{point.date: point for point in _ordered(series)} for series in accounts]
    days = sorted(set().union(*by_date))
    last_values: list[Decimal | None] = [None] * len(by_date)
    total: list[ValuationPoint] = []
    for day in days:
        value = inflow = outflow = ZERO
        pending = False
        for index, points in enumerate(by_date):
            point = points.get(day)
            if point is not None:
                pending = pending or point.pending
                if last_values[index] is None:
                    if point.value >= ZERO:
                        inflow += point.value
                    else:
                        outflow -= point.value
                else:
                    inflow += point.inflow
                    outflow += point.outflow
                last_values[index] = point.value
            carried = last_values[index]
            if carried is not None:
                value += carried
        total.append(ValuationPoint(day, value, inflow, outflow, pending))
    return total


def unrealised_pl(
    *,
    current_value: Decimal,
    purchase_value: Decimal,
    profit_loss: Decimal | None = None,
) -> UnrealisedPL:
    """Unrealised profit or loss against the purchase value, and its rate.

    The broker's own P/L figure wins when it is given (it may include fees the two values do
    not show); otherwise it is current value minus purchase value.
    """
    with localcontext(_CONTEXT):
        amount = profit_loss if profit_loss is not None else current_value - purchase_value
        rate = amount / purchase_value if purchase_value > ZERO else None
    return UnrealisedPL(amount=amount, rate=rate)
