"""Replacing an account's transactions of a window, row by row."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from brokers import records
from brokers.models import LinkedAccount
from portfolio.models import (
    Transaction,
)
from portfolio.services.valuations import (
    valuation_flows_refresh,
)
from portfolio.services.values import (
    as_money,
    as_quantity,
    max_length,
)

_TYPE_LENGTH = max_length(Transaction, "type")


@dataclass(frozen=True, slots=True)
class TransactionsReplaced:
    inserted: int
    deleted: int
    unchanged: int


def _transaction_values(
    row: records.Transaction | Transaction,
) -> tuple[str, str, Decimal | None, Decimal | None, Decimal | None]:
    if isinstance(row, Transaction):
        return (
            row.type,
            row.isin,
            row.change_amount,
            row.change_quantity,
            row.quantity_after,
        )
    return (
        row.type.strip().upper()[:_TYPE_LENGTH],
        (row.isin or "").strip(),
        as_money(row.change_amt),
        as_quantity(row.change_qty),
        as_quantity(row.qty_after),
    )


@transaction.atomic
def account_transactions_replace(
    *,
    account: LinkedAccount,
    start: datetime.date,
    end: datetime.date,
    transactions: Sequence[records.Transaction],
) -> TransactionsReplaced:
    """Make the account's transactions dated `start`…`end` (inclusive) exactly `transactions`.

    `transactions` is every row of that window in the upstream's order. A row is identified by
    (date, its position among that date's rows), so identical same-day rows stay distinct rows
    and replaying a window changes nothing: unchanged rows are kept with their ids, the others
    deleted and inserted. Then the inflow/outflow of the valuations whose sub-period overlaps
    the window are recomputed; no valuation is created for a day that has none (its flows are
    counted in the next valuation). A row dated outside the window raises `ValueError`: it
    would collide with rows the window does not own.
    SQL: 1 statement when nothing changed, at most 4 otherwise.
    """
    if start > end:
        raise ValueError(f"empty window: {start} is after {end}")
    outside = sorted({row.date for row in transactions if not start <= row.date <= end})
    if outside:
        raise ValueError(f"rows dated {outside[0]} are outside the window {start}…{end}")

    wanted: dict[tuple[datetime.date, int], tuple[Any, ...]] = {}
    counts: defaultdict[datetime.date, int] = defaultdict(int)
    for row in transactions:
        wanted[(row.date, counts[row.date])] = _transaction_values(row)
        counts[row.date] += 1
    stored = {
        (row.date, row.ordinal): row
        for row in Transaction.objects.filter(account=account, date__range=(start, end))
    }
    kept = {key for key, row in stored.items() if wanted.get(key) == _transaction_values(row)}
    stale = [row.pk for key, row in stored.items() if key not in kept]
    fresh = [
        Transaction(
            account=account,
            date=day,
            ordinal=ordinal,
            type=values[0],
            isin=values[1],
            change_amount=values[2],
            change_quantity=values[3],
            quantity_after=values[4],
        )
        for (day, ordinal), values in wanted.items()
        if (day, ordinal) not in kept
    ]
    if stale:
        Transaction.objects.filter(pk__in=stale).delete()
    if fresh:
        Transaction.objects.bulk_create(fresh)
    if stale or fresh:
        valuation_flows_refresh(account, start, end)
    return TransactionsReplaced(inserted=len(fresh), deleted=len(stale), unchanged=len(kept))
