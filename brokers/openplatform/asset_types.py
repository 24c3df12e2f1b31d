"""A whole account from balance or portfolio queries, with `ALL` or per asset type.

Balance and portfolio ask with `ALL` where the registry says the broker supports it (and fall
back to per-type queries if the broker answers 6001/6002 after all); otherwise they ask for
every asset type (CASH, EQTY, FUND, ETC), each through every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brokers.errors import UNSUPPORTED, PlatformError
from brokers.openplatform.paging import P, Paged

ALL = "ALL"
ASSET_TYPES = ("CASH", "EQTY", "FUND", "ETC")


def page_count(broker: Any, asset_type: str) -> int:
    """The `count` (items per page) to ask for."""
    # With ALL the broker sends everything at once and `count` must be 0.
    return 0 if asset_type == ALL else broker.page_size


def by_asset_type(
    broker: Any, query: Callable[[str], Paged[P]]
) -> tuple[list[tuple[str, P]], bool]:
    """Every page of the account, each with the asset type it was asked for.

    Per type, a type the broker refuses (6001) is a product family it does not serve and
    contributes nothing; if it refuses every type, that refusal is raised.
    """
    if broker.supports_all:
        try:
            paged = query(ALL)
            return [(ALL, page) for page in paged.pages], paged.complete
        except PlatformError as exc:
            # The registry may be out of date: a broker refusing ALL is asked per type.
            if exc.kind != UNSUPPORTED:
                raise
    pages: list[tuple[str, P]] = []
    complete = True
    refusals = 0
    for asset_type in ASSET_TYPES:
        try:
            paged = query(asset_type)
        except PlatformError as exc:
            if exc.kind != UNSUPPORTED:
                raise
            refusals += 1
            if refusals == len(ASSET_TYPES):
                raise
            continue
        pages.extend((asset_type, page) for page in paged.pages)
        complete = complete and paged.complete
    return pages, complete


def holdings(pages: list[tuple[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """The holdings of a whole account from its pages, each family from its own query.

    Asked per type, a family is taken only from the query for it, so a broker that sends more
    than was asked for cannot make an item count twice.
    """
    return {
        "equities": tuple(h for t, p in pages if t in (ALL, "EQTY") for h in p.equities),
        "funds": tuple(h for t, p in pages if t in (ALL, "FUND") for h in p.funds),
        "others": tuple(h for t, p in pages if t in (ALL, "ETC") for h in p.others),
    }


def family_size(asset_type: str) -> Callable[[Any], int]:
    """How many items of the asked-for family a balance or portfolio page holds."""
    if asset_type == "EQTY":
        return lambda page: len(page.equities)
    if asset_type == "FUND":
        return lambda page: len(page.funds)
    if asset_type == "ETC":
        return lambda page: len(page.others)
    if asset_type == "CASH":
        return lambda page: 0
    return lambda page: len(page.equities) + len(page.funds) + len(page.others)
