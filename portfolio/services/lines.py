"""The positions of a balance or portfolio answer, as lines keyed by instrument and trade type."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from brokers import records
from brokers.upstream import Portfolio
from portfolio.models import (
    Family,
    Holding,
    Instrument,
)
from portfolio.services.values import (
    as_money,
    as_quantity,
    as_rate,
    clean_text,
    max_length,
    sum_known,
)

# Other products usually come without an ISIN; their key is built from what identifies them in
# the answer. ISINs and fund codes never contain a colon, so these keys cannot collide with them.
_SYNTHETIC_PREFIX = {Family.EQUITY: "EQ:", Family.FUND: "FD:", Family.OTHER: "ETC:"}


_KEY_LENGTH = max_length(Instrument, "key")
_TRADE_TYPE_LENGTH = max_length(Holding, "trade_type")
_NAME_LENGTH = max_length(Instrument, "name")


@dataclass(frozen=True, slots=True)
class Seen:
    """An instrument as one line of an answer describes it."""

    key: str
    code: str
    name: str
    family: str
    asset_type: str


@dataclass(frozen=True, slots=True)
class Line:
    """One position of an answer, with values at their columns' scale."""

    instrument: Seen
    trade_type: str
    quantity: Decimal | None = None
    purchase_value: Decimal | None = None
    current_value: Decimal | None = None
    profit_loss: Decimal | None = None
    return_rate: Decimal | None = None
    weight: Decimal | None = None

    @property
    def position(self) -> tuple[Decimal | None, Decimal | None]:
        """What the history tracks: a change of either opens a new period."""
        return self.quantity, self.purchase_value


def _seen(family: Family, code: str | None, name: str | None, asset_type: str | None) -> Seen:
    code = (code or "").strip()
    name = clean_text(name, _NAME_LENGTH)
    asset_type = (asset_type or "").strip().upper()[:10]
    key = code
    if not key:
        label = name or "?"
        key = f"{_SYNTHETIC_PREFIX[family]}{asset_type or '?'}:{label}"
        if len(key) > _KEY_LENGTH:
            digest = hashlib.sha256(label.encode()).hexdigest()[:32]
            key = f"{_SYNTHETIC_PREFIX[family]}{asset_type or '?'}:#{digest}"
    return Seen(key=key, code=code, name=name, family=family, asset_type=asset_type)


def _trade_type(value: str | None) -> str:
    return (value or "").strip().upper()[:_TRADE_TYPE_LENGTH]


def _amounts(
    holding: records.EquityHolding | records.FundHolding | records.OtherHolding,
) -> dict[str, Decimal | None]:
    """The figures every list of a balance answer has, at their columns' scale."""
    return {
        "purchase_value": as_money(holding.val_at_trade),
        "current_value": as_money(holding.val_at_cur),
        "profit_loss": as_money(holding.pro_loss),
        "return_rate": as_rate(holding.earning_rate),
    }


def balance_lines(
    equities: Iterable[records.EquityHolding],
    funds: Iterable[records.FundHolding],
    others: Iterable[records.OtherHolding],
) -> list[Line]:
    lines = [
        Line(
            instrument=_seen(Family.EQUITY, h.isin, h.name, h.asset_type),
            trade_type=_trade_type(h.trade_type),
            quantity=as_quantity(h.qty),
            **_amounts(h),
        )
        for h in equities
    ]
    # Funds have no quantity in a balance answer; their figures are stored as the broker gives
    # them, even where they do not agree with each other.
    lines += [
        Line(
            instrument=_seen(Family.FUND, h.fund_code, h.fund_name, None),
            trade_type="",
            **_amounts(h),
        )
        for h in funds
    ]
    lines += [
        Line(
            instrument=_seen(Family.OTHER, h.isin, h.name, h.asset_type),
            trade_type=_trade_type(h.trade_type),
            quantity=as_quantity(h.qty),
            **_amounts(h),
        )
        for h in others
    ]
    return lines


def portfolio_lines(portfolio: Portfolio) -> list[Line]:
    families: list[tuple[Family, Iterable[Any]]] = [
        (Family.EQUITY, portfolio.equities),
        (Family.FUND, portfolio.funds),
        (Family.OTHER, portfolio.others),
    ]
    lines = []
    for family, items in families:
        for item in items:
            if family is Family.FUND:
                seen = _seen(family, item.fund_code, item.fund_name, None)
            else:
                seen = _seen(family, item.isin, getattr(item, "name", None), item.asset_type)
            lines.append(
                Line(
                    instrument=seen,
                    trade_type="",
                    return_rate=as_rate(item.earning_rate),
                    weight=as_rate(item.weight),
                )
            )
    return lines


def _merged(first: Line, second: Line) -> Line:
    """Two lines of one instrument and trade type (separate lots) as one position."""
    purchase = sum_known((first.purchase_value, second.purchase_value))
    profit_loss = sum_known((first.profit_loss, second.profit_loss))
    rate = None
    if purchase and profit_loss is not None:
        rate = as_rate(profit_loss * 100 / purchase)
    return Line(
        instrument=first.instrument if first.instrument.name else second.instrument,
        trade_type=first.trade_type,
        quantity=sum_known((first.quantity, second.quantity)),
        purchase_value=purchase,
        current_value=sum_known((first.current_value, second.current_value)),
        profit_loss=profit_loss,
        return_rate=rate,
        weight=sum_known((first.weight, second.weight)),
    )


def by_position(lines: Iterable[Line]) -> dict[tuple[str, str], Line]:
    """Lines keyed by (instrument key, trade type); repeated keys are lots and are added up."""
    positions: dict[tuple[str, str], Line] = {}
    for line in lines:
        key = (line.instrument.key, line.trade_type)
        earlier = positions.get(key)
        positions[key] = line if earlier is None else _merged(earlier, line)
    return positions
