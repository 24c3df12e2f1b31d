"""Reads for the by-instrument view and realized P/L: one instrument across all of a user's
accounts, and what the user's sells realized against their average cost.

Every read goes through `for_user`, so another user's rows never count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from accounts.models import User
from portfolio import realized
from portfolio.models import Holding, Instrument, Transaction, TransactionType


@dataclass(frozen=True, slots=True)
class InstrumentPosition:
    """One instrument held across the user's accounts: combined quantity, purchase value (the
    brokers' own), value, P/L and the average cost the combined purchase value gives."""

    instrument: Instrument
    accounts: int
    quantity: Decimal | None
    purchase_value: Decimal | None
    current_value: Decimal | None
    share: Decimal | None

    @property
    def profit_loss(self) -> Decimal | None:
        if self.current_value is None or self.purchase_value is None:
            return None
        return self.current_value - self.purchase_value

    @property
    def return_rate(self) -> Decimal | None:
        """In percent, as the platform sends rates; None without a purchase value."""
        if self.profit_loss is None or not self.purchase_value:
            return None
        return self.profit_loss * 100 / self.purchase_value

    @property
    def average_cost(self) -> Decimal | None:
        if not self.quantity or self.purchase_value is None:
            return None
        return self.purchase_value / self.quantity


def positions_by_instrument_for_user(*, user: User) -> list[InstrumentPosition]:
    """The user's current amount holdings grouped by instrument, largest value first.
    Weights-only holdings (no amounts) are left out: they cannot be added up. 2 queries."""
    rows = list(
        Holding.objects.for_user(user)
        .filter(current_value__isnull=False)
        .values("instrument_id")
        .annotate(
            accounts=Count("account_id", distinct=True),
            quantity=Sum("quantity"),
            purchase_value=Sum("purchase_value"),
            current_value=Sum("current_value"),
        )
        .order_by()
    )
    instruments = Instrument.objects.in_bulk([row["instrument_id"] for row in rows])
    total = sum((row["current_value"] for row in rows), Decimal(0))
    positions = [
        InstrumentPosition(
            instrument=instruments[row["instrument_id"]],
            accounts=row["accounts"],
            quantity=row["quantity"],
            purchase_value=row["purchase_value"],
            current_value=row["current_value"],
            share=row["current_value"] * 100 / total if total else None,
        )
        for row in rows
    ]
    positions.sort(key=lambda p: (-(p.current_value or 0), p.instrument.key))
    return positions


@dataclass(frozen=True, slots=True)
class RealizedYear:
    """A year's realized P/L: every sell of the year, the total, and the totals by month."""

    year: int
    realizations: list[realized.Realization]
    total: Decimal
    months: list[tuple[int, Decimal]]
    unmatched_sells: int


def realized_for_user(*, user: User, year: int) -> RealizedYear:
    """Realized P/L of the user's sells in `year`, against the moving average cost of all the
    buys before them (history before the year counts for the average). 1 query."""
    end = datetime.date(year, 12, 31)
    rows = (
        Transaction.objects.for_user(user)
        .filter(type__in=[TransactionType.BUY, TransactionType.SELL], date__lte=end)
        .exclude(isin="")
        .order_by("account_id", "date", "ordinal")
        .values_list(
            "account_id", "isin", "date", "type", "change_amount", "change_quantity",
            "quantity_after",
        )
    )  # fmt: skip
    ledger = realized.replay(realized.Trade(*row) for row in rows)
    of_year = [item for item in ledger.realizations if item.date.year == year]
    of_year.sort(key=lambda item: (item.date, item.account_id, item.isin), reverse=True)
    months = realized.by_month(of_year)
    return RealizedYear(
        year=year,
        realizations=of_year,
        total=sum((item.profit for item in of_year), Decimal(0)),
        months=[
            (month, months[(year, month)]) for month in range(1, 13) if (year, month) in months
        ],
        unmatched_sells=sum(1 for day in ledger.unmatched_sells if day.year == year),
    )
