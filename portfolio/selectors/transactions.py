"""The user's transactions, filtered."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import User
from portfolio.models import (
    Transaction,
)


def transactions_for_user(
    *,
    user: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    types: Iterable[str] = (),
    account_id: int | None = None,
) -> QuerySet[Transaction]:
    """The user's transactions, newest first, filtered by date range (inclusive), types and
    account, with account and broker. Lazy: 1 query per slice read."""
    rows = Transaction.objects.for_user(user).select_related("account__broker")
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    types = list(types)
    if types:
        rows = rows.filter(type__in=types)
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    return rows.order_by("-date", "-account_id", "-ordinal")
