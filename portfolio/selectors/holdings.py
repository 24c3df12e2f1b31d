"""The user's current holdings: filtered, sorted, the largest, and their total value."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from accounts.models import User
from portfolio.models import (
    Holding,
)


def top_holdings_for_user(*, user: User, limit: int = 10) -> list[Holding]:
    """The user's largest holdings by current value, with instrument and account. 1 query.

    The top rows are picked by id in a subquery before anything is joined to them, so the
    joins touch `limit` rows instead of every holding.
    """
    top = (
        Holding.objects.for_user(user)
        .filter(current_value__isnull=False)
        .order_by("-current_value", "pk")
        .values("pk")[:limit]
    )
    return list(
        Holding.objects.filter(pk__in=top)
        .select_related("instrument", "account__broker")
        .order_by("-current_value", "pk")
    )


HOLDING_SORTS = {
    "name": ("instrument__name", "instrument__key"),
    "account": ("account__broker__code", "account_id"),
    "class": ("instrument__asset_class",),
    "quantity": ("quantity",),
    "purchase": ("purchase_value",),
    "value": ("current_value",),
    "pl": ("profit_loss",),
    "rate": ("return_rate",),
    # The weight of an amount holding is its value over the shown total: the same order.
    "weight": ("current_value",),
}


def holdings_for_user(
    *,
    user: User,
    account_id: int | None = None,
    asset_class: str | None = None,
    sort: str = "-value",
) -> QuerySet[Holding]:
    """The user's current holdings, filtered and sorted (`HOLDING_SORTS`; "-" for descending).
    Empty values sort last either way. Lazy: a page reads one slice of it (1 query)."""
    holdings = Holding.objects.for_user(user).select_related("instrument", "account__broker")
    if account_id is not None:
        holdings = holdings.filter(account_id=account_id)
    if asset_class:
        holdings = holdings.filter(instrument__asset_class=asset_class)
    descending = sort.startswith("-")
    fields = HOLDING_SORTS.get(sort.lstrip("-"), HOLDING_SORTS["value"])
    order = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]
    return holdings.order_by(*order, "pk")


def holdings_value_total(holdings: QuerySet[Holding]) -> Decimal | None:
    """The sum of the current values of `holdings` (the weights' denominator). 1 query."""
    return holdings.order_by().aggregate(total=Sum("current_value"))["total"]
