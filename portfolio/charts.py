"""Chart data for the dashboard, as plain dicts ready for JSON and for their table alternative.

Amounts are whole won as ints (Decimal rounded, never float arithmetic). In privacy mode no
amount leaves the server: series are indexed to 100 at the first point of the range, and
allocations are shares in percent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from brokers.models import LinkedAccount
from portfolio.formatting import won_number
from portfolio.returns import ValuationPoint
from portfolio.selectors.allocation import Slice
from portfolio.trading_days import trading_days

INDEX_BASE = Decimal(100)
_HUNDREDTH = Decimal("0.01")


class Stack:
    """How the net-worth chart splits its total."""

    ACCOUNT = "account"
    BROKER = "broker"
    CHOICES = (ACCOUNT, BROKER)


def account_label(account: LinkedAccount) -> str:
    """ "다이아몬드증권 ····350001 (alias)": the broker, the number's distinguishing ending
    and the alias, as `templates/brokers/_account_name.html` shows them."""
    label = f"{account.broker.korean_name} {account.number_display}"
    return f"{label} ({account.alias})" if account.alias else label


@dataclass(frozen=True, slots=True)
class Series:
    """Dates and, per stacked part, one value per date (None before the part existed).

    `carried` says, per part and date, that no valuation was taken that day and the value is
    the last one carried forward (a weekly-synced account on the other days, a day a sync
    failed): the chart draws those stretches dashed and the table marks them."""

    dates: list[datetime.date]
    parts: list[tuple[str, list[Decimal | None]]]
    totals: list[Decimal]
    carried: dict[str, list[bool]] = field(default_factory=dict)


def _carried(
    points: Sequence[ValuationPoint], dates: Sequence[datetime.date]
) -> tuple[list[Decimal | None], list[bool]]:
    """An account's value on each of `dates`, its last known value carried forward, None
    before its first valuation (the same rule as `portfolio.returns.combine`); and whether each
    value was carried rather than taken that day."""
    values: list[Decimal | None] = []
    carried: list[bool] = []
    index = 0
    last: Decimal | None = None
    for day in dates:
        taken = False
        while index < len(points) and points[index].date <= day:
            last = points[index].value
            taken = points[index].date == day
            index += 1
        values.append(last)
        carried.append(last is not None and not taken)
    return values, carried


def chart_dates(
    accounts: Mapping[int, Sequence[ValuationPoint]],
    *,
    start: datetime.date | None,
    end: datetime.date,
) -> list[datetime.date]:
    """The days a range's chart shows: every KRX trading day after `start` (the close the range
    is measured from) up to `end`, and any other day an account was valued. Without a `start`
    (all history) the first day is the first valuation. A range therefore begins on its first
    trading day, with every account's value carried into it, never on a base row of the year
    before."""
    valued = {point.date for points in accounts.values() for point in points}
    if not valued:
        return []
    first = min(valued) if start is None else start + datetime.timedelta(days=1)
    days = set(trading_days(first, end)) | {day for day in valued if first <= day <= end}
    return sorted(days)


def stacked_series(
    *,
    accounts: Mapping[int, Sequence[ValuationPoint]],
    labels: Mapping[int, tuple[str, str]],
    stack: str,
    dates: Sequence[datetime.date] | None = None,
) -> Series:
    """The net worth on each of `dates` (by default every day any account has a valuation),
    split by account or broker, each account's last value carried over days it was not valued.

    `labels` maps an account id to (account label, broker label). The parts add up to the
    total of `portfolio.returns.combine` on each day; the privacy index is computed from these
    same totals.
    """
    if dates is None:
        dates = sorted({point.date for points in accounts.values() for point in points})
    groups: dict[str, list[Decimal | None]] = {}
    carried: dict[str, list[bool]] = {}
    for account_id, points in accounts.items():
        account_label_, broker_label = labels.get(account_id, (str(account_id), ""))
        key = broker_label if stack == Stack.BROKER else account_label_
        values, flags = _carried(points, dates)
        if key in groups:
            groups[key] = [
                a if b is None else (b if a is None else a + b)
                for a, b in zip(groups[key], values, strict=True)
            ]
            carried[key] = [a or b for a, b in zip(carried[key], flags, strict=True)]
        else:
            groups[key] = values
            carried[key] = flags
    totals = [
        sum((values[i] or Decimal(0) for values in groups.values()), Decimal(0))
        for i in range(len(dates))
    ]
    return Series(dates=list(dates), parts=sorted(groups.items()), totals=totals, carried=carried)


def _index(value: Decimal | None, base: Decimal) -> Decimal | None:
    if value is None or base <= 0:
        return None
    return (value * INDEX_BASE / base).quantize(_HUNDREDTH, rounding=ROUND_HALF_EVEN)


def series_payload(series: Series, *, privacy: bool) -> dict[str, object]:
    """Chart.js-ready data: labels (ISO dates) and one dataset per part.

    With `privacy`, every value is an index: 100 is the total at the first date of the range.
    """
    base = next((total for total in series.totals if total > 0), Decimal(0))

    def number(value: Decimal | None) -> float | int | None:
        if privacy:
            indexed = _index(value, base)
            # An index is a ratio, not money: a float is fine for the chart.
            return None if indexed is None else float(indexed)
        return won_number(value)

    return {
        "unit": "index" if privacy else "KRW",
        "labels": [day.isoformat() for day in series.dates],
        "datasets": [
            {
                "label": label,
                "data": [number(value) for value in values],
                "carried": series.carried.get(label, [False] * len(values)),
            }
            for label, values in series.parts
        ],
        "total": [number(value) for value in series.totals],
    }


def allocation_payload(parts: Sequence[Slice], *, privacy: bool) -> dict[str, object]:
    """A donut: labels, shares in percent, and the amounts unless in privacy mode."""
    payload: dict[str, object] = {
        "labels": [part.label for part in parts],
        "shares": [float(part.share.quantize(_HUNDREDTH)) for part in parts],
    }
    if not privacy:
        payload["values"] = [won_number(part.value) for part in parts]
    return payload
