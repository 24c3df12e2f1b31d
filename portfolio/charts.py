"""Chart data for the dashboard, as plain dicts ready for JSON and for their table alternative.

Amounts are whole won as ints (Decimal rounded, never float arithmetic). In privacy mode no
amount leaves the server: series are indexed to 100 at the first point of the range, and
allocations are shares in percent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from brokers.models import LinkedAccount
from portfolio.formatting import won_number
from portfolio.returns import ValuationPoint
from portfolio.selectors import Slice

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
    """Dates and, per stacked part, one value per date (None before the part existed)."""

    dates: list[datetime.date]
    parts: list[tuple[str, list[Decimal | None]]]
    totals: list[Decimal]


def _carried(
    points: Sequence[ValuationPoint], dates: Sequence[datetime.date]
) -> list[Decimal | None]:
    """An account's value on each of `dates`, its last known value carried forward, None
    before its first valuation: the same rule as `portfolio.returns.combine`."""
    values: list[Decimal | None] = []
    index = 0
    last: Decimal | None = None
    for day in dates:
        while index < len(points) and points[index].date <= day:
            last = points[index].value
            index += 1
        values.append(last)
    return values


def stacked_series(
    *,
    accounts: Mapping[int, Sequence[ValuationPoint]],
    labels: Mapping[int, tuple[str, str]],
    stack: str,
) -> Series:
    """The net worth on every day any account has a valuation, split by account or broker.

    `labels` maps an account id to (account label, broker label). The parts add up to the
    total of `portfolio.returns.combine` on each day.
    """
    dates = sorted({point.date for points in accounts.values() for point in points})
    groups: dict[str, list[Decimal | None]] = {}
    for account_id, points in accounts.items():
        account_label_, broker_label = labels.get(account_id, (str(account_id), ""))
        key = broker_label if stack == Stack.BROKER else account_label_
        values = _carried(points, dates)
        if key in groups:
            groups[key] = [
                a if b is None else (b if a is None else a + b)
                for a, b in zip(groups[key], values, strict=True)
            ]
        else:
            groups[key] = values
    totals = [
        sum((values[i] or Decimal(0) for values in groups.values()), Decimal(0))
        for i in range(len(dates))
    ]
    return Series(dates=dates, parts=sorted(groups.items()), totals=totals)


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
            {"label": label, "data": [number(value) for value in values]}
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
