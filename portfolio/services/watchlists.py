"""Replacing an account's watchlist."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from brokers import records
from brokers.models import LinkedAccount
from portfolio.models import (
    WatchGroup,
)
from portfolio.services.values import (
    clean_text,
    max_length,
)

_GROUP_NAME_LENGTH = max_length(WatchGroup, "name")


@transaction.atomic
def account_watchlist_replace(
    *, account: LinkedAccount, groups: Sequence[records.WatchGroup]
) -> int:
    """Make the account's watchlist exactly `groups`, in the broker's order; the group count.
    Watchlists are small and synced weekly, so they are simply rewritten. 2 statements."""
    WatchGroup.objects.filter(account=account).delete()
    WatchGroup.objects.bulk_create(
        WatchGroup(
            account=account,
            position=position,
            name=clean_text(group.name, _GROUP_NAME_LENGTH),
            modified=group.modified,
            isins=[isin.strip() for isin in group.isins if isin.strip()],
        )
        for position, group in enumerate(groups)
    )
    return len(groups)
