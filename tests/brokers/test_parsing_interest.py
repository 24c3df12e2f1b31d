"""The interest answer parses into the watchlist groups it describes, quirks absorbed."""

from __future__ import annotations

import datetime

from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.interest import parse_interest
from brokers.records import (
    WatchGroup,
)
from tests.brokers.payloads.interest import INTEREST_RESPONSE

# --- interest -----------------------------------------------------------------------------


def test_interest_seed_parses_groups_in_order_with_empty_modify_date_as_none():
    assert parse_interest(loads(INTEREST_RESPONSE)) == (
        WatchGroup(
            name="관심종목00",
            modified=None,
            isins=(
                "KR7122870009",
                "KR7028260008",
                "KR7001360007",
                "KR7011070000",
                "KR7017800004",
            ),
        ),
        WatchGroup(
            name="ETF",
            modified=None,
            isins=("KR7176950004", "KR7143860005", "KR7138230008", "KR7205720006"),
        ),
    )


def test_interest_reads_the_body_under_its_misspelled_name_too():
    d = loads(INTEREST_RESPONSE)
    d["interestSymbolReponseBody"] = d.pop("interestSymbolListResponseBody")
    assert len(parse_interest(d)) == 2


def test_interest_group_tolerates_a_single_code_blanks_and_a_real_date():
    body = {
        "groupList": {
            "group": [
                {"groupName": " 반도체 ", "modifyDate": "20240105", "isinCode": " KR7005930003 "},
                {"groupName": "", "isinCode": ["KR7000660001", "", None, "null"]},
                {"groupName": "empty"},
            ]
        }
    }
    assert parse_interest({"interestSymbolListResponseBody": body}) == (
        WatchGroup(name="반도체", modified=datetime.date(2024, 1, 5), isins=("KR7005930003",)),
        WatchGroup(name=None, modified=None, isins=("KR7000660001",)),
        WatchGroup(name="empty", modified=None, isins=()),
    )


def test_interest_with_no_groups_is_empty():
    assert parse_interest({"resp": {"respCode": "200"}}) == ()
