"""The interest service's answer: the account's watchlist groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brokers.sandbox.data import WatchGroup
from brokers.sandbox.render.envelope import head, resp_ok, yyyymmdd


def interest(envelope: Mapping[str, Any], groups: Sequence[WatchGroup]) -> dict[str, Any]:
    """The interest-symbol answer (관심종목): every group at once, as the seed shows."""
    return {
        **head(envelope, "interest", pad_consumer=False),
        "interestSymbolListResponseBody": {
            "groupList": {
                "group": [
                    {
                        "isinCode": list(group.isin_codes),
                        "groupName": group.group_name,
                        "modifyDate": yyyymmdd(group.modify_date) if group.modify_date else "",
                    }
                    for group in groups
                ]
            }
        },
        "resp": resp_ok(),
    }
