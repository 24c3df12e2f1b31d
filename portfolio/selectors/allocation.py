"""The allocation of a user's holdings by asset class, as slices of a whole."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from accounts.models import User
from portfolio.models import (
    AssetClass,
    Holding,
)


@dataclass(frozen=True, slots=True)
class Slice:
    """One part of an allocation: its key, label, amount and share of the whole (percent)."""

    key: str
    label: str
    value: Decimal
    share: Decimal


def slices(parts: dict[str, tuple[str, Decimal]]) -> list[Slice]:
    """Parts keyed by id, each (label, amount), as slices with their shares, largest first.
    Negative parts (margin debt) are left out: a share of a whole cannot be negative."""
    positive = {key: part for key, part in parts.items() if part[1] > 0}
    whole = sum((value for _, value in positive.values()), Decimal(0))
    result = [
        Slice(key=key, label=label, value=value, share=value * 100 / whole)
        for key, (label, value) in positive.items()
    ]
    return sorted(result, key=lambda part: (-part.value, part.key))


def allocation_by_class_for_user(*, user: User, cash: Decimal) -> list[Slice]:
    """Holdings' current values summed by asset class, with `cash` (the accounts' cash from
    their latest valuations) as the cash class. Weights-only holdings have no value and are not
    counted. 1 query."""
    sums = (
        Holding.objects.for_user(user)
        .filter(current_value__isnull=False)
        .values("instrument__asset_class")
        .annotate(value=Sum("current_value"))
        .order_by()
    )
    parts = {
        row["instrument__asset_class"]: (
            str(AssetClass(row["instrument__asset_class"]).label),
            row["value"],
        )
        for row in sums
    }
    if cash:
        parts[AssetClass.CASH] = (str(AssetClass.CASH.label), cash)
    return slices(parts)
