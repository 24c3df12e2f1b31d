"""One demo account's history: a random walk of its value with deposits, withdrawals and
dividends, and the holdings and transactions that go with it."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from brokers.models import LinkedAccount
from portfolio.models import (
    DailyValuation,
    Family,
    Holding,
    HoldingPeriod,
    Instrument,
    Transaction,
    TransactionType,
)

ZERO = Decimal(0)
WON = Decimal(1)


def won(value: Decimal) -> Decimal:
    return value.quantize(WON, rounding=ROUND_HALF_EVEN)


def won_split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` in whole won split by `weights`; the last part takes the rounding so the parts
    add up to `total` exactly."""
    whole = sum(weights, ZERO)
    parts = [won(total * w / whole) for w in weights[:-1]]
    return [*parts, total - sum(parts, ZERO)]


@dataclass(slots=True)
class History:
    valuations: list[DailyValuation]
    holdings: list[Holding]
    periods: list[HoldingPeriod]
    transactions: list[Transaction]


def account_history(
    account: LinkedAccount,
    rng: random.Random,
    dates: list[datetime.date],
    instruments: list[Instrument],
) -> History:
    """A random walk of one account's securities value with monthly deposits, an occasional
    withdrawal and dividends, and the holdings and transactions that go with it."""
    first = dates[0]
    deposit = Decimal(rng.randrange(20, 200)) * 1_000_000
    purchase = won(deposit * Decimal("0.85"))
    cash = deposit - purchase
    securities = purchase
    weights = [Decimal(rng.randint(1, 20)) for _ in instruments]
    quantities = [Decimal(rng.randint(1, 400)) for _ in instruments]
    costs = won_split(purchase, weights)
    moves = [Transaction(account=account, date=first, ordinal=0, type="DEP", change_amount=deposit)]
    for ordinal, (instrument, cost, qty) in enumerate(
        zip(instruments, costs, quantities, strict=True), start=1
    ):
        moves.append(
            Transaction(
                account=account,
                date=first,
                ordinal=ordinal,
                type=TransactionType.BUY,
                isin=instrument.key,
                change_amount=-cost,
                change_quantity=qty,
                quantity_after=qty,
            )
        )
    valuations = []
    month = first.month
    for day in dates:
        inflow = outflow = ZERO
        if day != first:
            step = Decimal(str(round(rng.gauss(0.0004, 0.011), 6)))
            securities = won(securities * (1 + step))
            ordinal = 0
            if day.month != month:
                month = day.month
                inflow = Decimal(rng.randrange(5, 30)) * 100_000
                moves.append(
                    Transaction(
                        account=account, date=day, ordinal=ordinal, type="DEP", change_amount=inflow
                    )
                )
                ordinal += 1
                if day.month % 4 == 0 and cash > 3_000_000:
                    outflow = Decimal(2_000_000)
                    moves.append(
                        Transaction(
                            account=account,
                            date=day,
                            ordinal=ordinal,
                            type="WID",
                            change_amount=-outflow,
                        )
                    )
                    ordinal += 1
                if day.month in (4, 8):
                    dividend = won(securities * Decimal("0.004"))
                    cash += dividend
                    moves.append(
                        Transaction(
                            account=account,
                            date=day,
                            ordinal=ordinal,
                            type=TransactionType.OTHER,
                            isin=instruments[0].key,
                            change_amount=dividend,
                        )
                    )
            cash += inflow - outflow
        valuations.append(
            DailyValuation(
                account=account,
                date=day,
                cash=cash,
                cash_d1=cash,
                cash_d2=cash,
                securities_value=securities,
                purchase_value=purchase,
                profit_loss=securities - purchase,
                total_value=cash + securities,
                inflow=inflow,
                outflow=outflow,
            )
        )
    # Today's values: each holding drifts from its cost, scaled so they add up to securities.
    drift = [w * Decimal(str(round(rng.uniform(0.6, 1.6), 4))) for w in weights]
    values = won_split(securities, drift)
    holdings = []
    periods = []
    middle = dates[len(dates) // 2]
    for position, (instrument, cost, value, qty) in enumerate(
        zip(instruments, costs, values, quantities, strict=True)
    ):
        holdings.append(
            Holding(
                account=account,
                instrument=instrument,
                trade_type="" if instrument.family == Family.FUND else "NRM",
                as_of=dates[-1],
                quantity=None if instrument.family == Family.FUND else qty,
                purchase_value=cost,
                current_value=value,
                profit_loss=value - cost,
                return_rate=((value - cost) * 100 / cost).quantize(Decimal("0.01"))
                if cost
                else None,
            )
        )
        trade_type = holdings[-1].trade_type
        # Every tenth position changed halfway: its history has a closed and an open period.
        if position % 10 == 3 and middle > first:
            periods.append(
                HoldingPeriod(
                    account=account,
                    instrument=instrument,
                    trade_type=trade_type,
                    quantity=qty / 2,
                    purchase_value=won(cost / 2),
                    valid_from=first,
                    valid_to=middle,
                )
            )
            start = middle
        else:
            start = first
        periods.append(
            HoldingPeriod(
                account=account,
                instrument=instrument,
                trade_type=trade_type,
                quantity=holdings[-1].quantity,
                purchase_value=cost,
                valid_from=start,
            )
        )
    return History(valuations, holdings, periods, moves)
