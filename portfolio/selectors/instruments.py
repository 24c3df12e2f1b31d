"""Instruments by code: their names, and the user's watchlists of them."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from portfolio.models import (
    Instrument,
    WatchGroup,
)


def instrument_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of the instruments with these keys (ISINs, fund codes), where known. Instruments
    are public reference data, not user data. 1 query (none for no codes)."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return dict(
        Instrument.objects.filter(key__in=wanted).exclude(name="").values_list("key", "name")
    )


def watch_groups_for_user(*, user: User) -> list[WatchGroup]:
    """The user's watchlist groups, by account and the broker's order. 1 query."""
    return list(WatchGroup.objects.for_user(user).select_related("account__broker"))
