"""The interest service: the account's watchlist groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brokers.openplatform.parsing.answer import parse_resp_code
from brokers.openplatform.parsing.values import (
    answer_root,
    date_value,
    item_list,
    string_value,
    sub_block,
)
from brokers.records import WatchGroup


def parse_interest(d: Mapping[str, Any]) -> tuple[WatchGroup, ...]:
    """The watchlist groups of account/interest/search."""
    root = answer_root(d)
    parse_resp_code(root)
    # The example answer says interestSymbolListResponseBody; the field table says
    # interestSymbolReponseBody. Accept either, and the spelling that was surely meant.
    body = sub_block(
        root,
        "interestSymbolListResponseBody",
        "interestSymbolListResponseBody",
        "interestSymbolReponseBody",
        "interestSymbolResponseBody",
    )
    base = "interestSymbolListResponseBody.groupList"
    group_list = sub_block(body, base, "groupList")
    return tuple(_watch_group(item, path) for path, item in item_list(group_list, f"{base}.group"))


def _watch_group(item: Mapping[str, Any], path: str) -> WatchGroup:
    raw = item.get("isinCode")
    if isinstance(raw, list):
        isins = [string_value(value, f"{path}.isinCode[{i}]") for i, value in enumerate(raw)]
    else:
        # A single code where a list was meant is taken as a list of one.
        isins = [string_value(raw, f"{path}.isinCode")]
    return WatchGroup(
        name=string_value(item.get("groupName"), f"{path}.groupName"),
        modified=date_value(item.get("modifyDate"), f"{path}.modifyDate"),
        isins=tuple(isin for isin in isins if isin is not None),
    )
