"""Average cost (평균단가) and realized profit or loss (실현손익) from an account's trades.

Korean brokers report realized P/L against the moving average cost: a buy adds its cash cost
and quantity to the position, so the average cost is the position's total cost over its
quantity; a sell takes quantity out at the average cost of that moment and realizes the
difference between its proceeds and that cost. The average cost does not change on a sell.

The platform's transaction rows carry no price: a trade's cash is its `changeAmt` (negative for
a buy, positive for a sell, fees and taxes included, since that is what left or reached the
account) and its quantity `changeQty`, or, where that is missing, the difference between the
quantity held after it (`qty`) and before it. Rows are kept per (account, instrument): one
instrument held in two accounts has two averages, as in the brokers' own apps.

Pure functions over plain values: no database, no Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
# The platform's transType codes. Beware: on this platform BID is a sell and ASK a buy.
BUY = "ASK"
SELL = "BID"


@dataclass(frozen=True, slots=True)
class Trade:
    """One transaction row as the calculation needs it (in the upstream's order within a day)."""

    account_id: int
    isin: str
    date: datetime.date
    type: str
    change_amount: Decimal | None
    change_quantity: Decimal | None
    quantity_after: Decimal | None


@dataclass(frozen=True, slots=True)
class Realization:
    """One sell: what it brought in, what the sold quantity had cost on average, and the
    difference. `average_cost` is per unit, as it stood before the sell."""

    account_id: int
    isin: str
    date: datetime.date
    quantity: Decimal
    proceeds: Decimal
    average_cost: Decimal
    cost: Decimal
    profit: Decimal


@dataclass(slots=True)
class Position:
    """A position's running quantity and total cost under the moving average."""

    quantity: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def average_cost(self) -> Decimal | None:
        return self.cost / self.quantity if self.quantity > 0 else None


@dataclass(frozen=True, slots=True)
class Ledger:
    """The result of replaying trades: each position's state and every sell's realization."""

    positions: dict[tuple[int, str], Position]
    realizations: list[Realization]
    # The days of sells whose cost is unknown (the buy happened before the history we hold):
    # counted, not guessed, so a page can say that some realized P/L could not be computed.
    unmatched_sells: list[datetime.date]


def _moved(trade: Trade, held_before: Decimal) -> Decimal | None:
    """The quantity a trade moved, unsigned: `changeQty`, else the change of `qty`."""
    if trade.change_quantity is not None and trade.change_quantity != 0:
        return abs(trade.change_quantity)
    if trade.quantity_after is not None:
        moved = abs(trade.quantity_after - held_before)
        return moved or None
    return None


def replay(trades: Iterable[Trade]) -> Ledger:
    """Replay trades in order (date, then the upstream's order within the day) and return the
    positions and realizations. Rows other than buys and sells, and trades without a quantity
    or a cash amount, change nothing."""
    positions: dict[tuple[int, str], Position] = {}
    realizations: list[Realization] = []
    unmatched: list[datetime.date] = []
    for trade in trades:
        if trade.type not in (BUY, SELL) or not trade.isin:
            continue
        position = positions.setdefault((trade.account_id, trade.isin), Position())
        moved = _moved(trade, position.quantity)
        if moved is None or trade.change_amount is None:
            continue
        cash = abs(trade.change_amount)
        if trade.type == BUY:
            position.quantity += moved
            position.cost += cash
            continue
        average = position.average_cost
        if average is None or moved > position.quantity:
            # A sell of shares bought before our history: their cost is unknown.
            unmatched.append(trade.date)
            position.quantity = max(ZERO, position.quantity - moved)
            position.cost = (
                average * position.quantity if average is not None and position.quantity else ZERO
            )
            continue
        cost = average * moved
        realizations.append(
            Realization(
                account_id=trade.account_id,
                isin=trade.isin,
                date=trade.date,
                quantity=moved,
                proceeds=cash,
                average_cost=average,
                cost=cost,
                profit=cash - cost,
            )
        )
        position.quantity -= moved
        position.cost = average * position.quantity if position.quantity else ZERO
    return Ledger(positions=positions, realizations=realizations, unmatched_sells=unmatched)


def by_month(realizations: Iterable[Realization]) -> dict[tuple[int, int], Decimal]:
    """Realized P/L summed by (year, month)."""
    months: dict[tuple[int, int], Decimal] = {}
    for item in realizations:
        key = (item.date.year, item.date.month)
        months[key] = months.get(key, ZERO) + item.profit
    return months
