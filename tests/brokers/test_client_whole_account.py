"""A whole balance or portfolio from pages: ALL or per type, keys followed, loops and gaps caught.

These tests script the platform's answers exactly (tests/brokers/scripted.py) to reach the
corner cases; the same behaviour against the live sandbox is in test_client_sandbox.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from brokers.errors import INVALID_PAGE, PlatformError
from brokers.models import Broker
from brokers.openplatform import paging
from brokers.upstream import Balance, CallContext, RatiosOnly
from tests.brokers.paged_answers import (
    OK,
    PagedFamilies,
    balance_page,
    equity_item,
    error_answer,
    query_of,
    script_families,
)
from tests.brokers.scripted import Answer
from tests.factories import LinkedAccountFactory

pytestmark = pytest.mark.django_db


def test_a_broker_with_all_is_asked_once_and_the_answer_is_cached(scripted, scripted_client, link):
    connection, diamond, _ = link
    families = PagedFamilies({"EQTY": 4, "FUND": 2, "ETC": 1})
    scripted.script = lambda request: families.answer(query_of(request)["assetType"], "null")

    first = scripted_client.balance(connection, diamond)
    again = scripted_client.balance(connection, diamond)

    assert [query_of(r) for r in scripted.requests] == [
        {"assetType": "ALL", "count": 0, "page": "null"}
    ]
    assert scripted.requests[0].path == "/v1/diamond/account/balance/search"
    assert isinstance(first, Balance)
    assert first == again
    assert first.summary.value_at_cur == Decimal("389165300498")
    assert [h.isin for h in first.equities] == [f"KR7{i:06d}003" for i in range(4)]
    assert (len(first.funds), len(first.others)) == (2, 1)
    assert first.others[0].qty == Decimal("1000000000")


def test_bypassing_the_cache_asks_again_and_refreshes_it(scripted, scripted_client, link):
    connection, diamond, _ = link
    families = PagedFamilies({"EQTY": 1})
    scripted.script = lambda request: families.answer("ALL", "null")
    scripted_client.balance(connection, diamond)

    scripted_client.balance(connection, diamond, context=CallContext(use_cache=False))

    assert len(scripted.requests) == 2


def test_a_broker_without_all_is_asked_every_type_through_every_page(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 8, "FUND": 3, "ETC": 0}, size=3)
    scripted.script = lambda request: families.answer(
        query_of(request)["assetType"], query_of(request)["page"]
    )

    balance = scripted_client.balance(connection, cyber)

    asked = [(query_of(r)["assetType"], query_of(r)["page"]) for r in scripted.requests]
    assert asked == [
        ("CASH", "null"),
        ("EQTY", "null"),
        ("EQTY", "KEQTY3"),
        ("EQTY", "KEQTY6"),
        ("FUND", "null"),
        ("ETC", "null"),
    ]
    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(8)]
    assert [f.fund_code for f in balance.funds] == [f"KRZ{i:09d}" for i in range(3)]
    assert balance.others == ()
    assert balance.summary.cash_balance == Decimal("6976542")


def test_a_broker_that_refuses_all_after_all_is_asked_per_type(scripted, scripted_client, link):
    connection, diamond, _ = link
    families = PagedFamilies({"EQTY": 2})

    def spoil(query):
        if query["assetType"] == "ALL":
            return error_answer(6001, "asset type not supported: ALL")

    scripted.script = script_families(families, spoil)

    balance = scripted_client.balance(connection, diamond)

    assert [query_of(r)["assetType"] for r in scripted.requests] == [
        "ALL",
        "CASH",
        "EQTY",
        "FUND",
        "ETC",
    ]
    assert len(balance.equities) == 2


def test_a_broker_without_a_balance_service_gives_ratios_only_without_a_call(
    scripted, scripted_client, link
):
    connection, _, _ = link
    star = LinkedAccountFactory(user=connection.user, broker=Broker.objects.get(short_name="star"))

    result = scripted_client.balance(connection, star)

    assert isinstance(result, RatiosOnly)
    assert "star" in result.reason
    assert scripted.requests == []


def test_a_broker_refusing_every_balance_query_is_recognised_as_ratios_only(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    scripted.script = lambda request: error_answer(6001, "service not supported.")

    result = scripted_client.balance(connection, cyber)

    assert isinstance(result, RatiosOnly)
    assert len(scripted.requests) == 4


def test_a_repeated_page_key_restarts_once_and_yields_every_item_once(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 7}, size=3)
    spoiled = []

    def spoil(query):
        if query["page"] == "KEQTY3" and not spoiled:
            spoiled.append(True)
            return Answer(200, balance_page({"EQTY": []}, total=7, next_page="KEQTY3"))

    scripted.script = script_families(families, spoil)

    balance = scripted_client.balance(connection, cyber)

    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(7)]


def test_a_page_key_that_keeps_repeating_stops_paging_and_keeps_the_pages_read(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 7}, size=3)

    def spoil(query):
        if query["assetType"] == "EQTY" and query["page"] != "null":
            rows = [equity_item(3)]
            return Answer(200, balance_page({"EQTY": rows}, total=7, next_page=query["page"]))

    scripted.script = script_families(families, spoil)
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    # Each item once, from the second pass; marked incomplete, never an endless run.
    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(4)]
    assert balance.complete is False
    # CASH, then two passes of EQTY (first page, looping page), then FUND and ETC.
    assert len(scripted.requests) == 7
    eqty = next(note for note in context.notes if note["query"] == "balance EQTY")
    assert eqty == {
        "query": "balance EQTY",
        "pages": 2,
        "items": 4,
        "total_cnt": 7,
        "count": [3, 1],
        "ended": "loop",
        "restarts": 1,
    }


def test_a_numeric_page_key_that_goes_backwards_is_a_loop(scripted, scripted_client, link):
    connection, _, cyber = link

    def script(request):
        query = query_of(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        keys = {"null": ("0", "20"), "20": ("1", "40"), "40": ("2", "10")}
        n, next_key = keys.get(query["page"], ("9", None))
        return Answer(
            200, balance_page({"EQTY": [equity_item(int(n))]}, total=3, next_page=next_key)
        )

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    eqty_pages = [
        query_of(r)["page"] for r in scripted.requests if query_of(r)["assetType"] == "EQTY"
    ]
    assert eqty_pages == ["null", "20", "40", "null", "20", "40"]
    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(3)]
    assert next(n for n in context.notes if n["query"] == "balance EQTY")["ended"] == "loop"


def test_a_dropped_page_cannot_be_told_from_loose_counts_and_is_recorded_not_refused(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 9}, size=3)

    def script(request):
        query = query_of(request)
        answer = families.answer(query["assetType"], query["page"])
        if query["assetType"] == "EQTY" and query["page"] == "null":
            answer.body["balanceResponseBody"]["queryResult"]["page"] = "KEQTY6"
        return answer

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    eqty_pages = [
        query_of(r)["page"] for r in scripted.requests if query_of(r)["assetType"] == "EQTY"
    ]
    assert eqty_pages == ["null", "KEQTY6"]
    assert len(balance.equities) == 6
    assert balance.complete is True
    note = next(n for n in context.notes if n["query"] == "balance EQTY")
    assert (note["items"], note["total_cnt"], note["ended"]) == (6, 9, "end")


def test_pages_that_never_add_up_to_the_announced_total_are_taken_as_sent(
    scripted, scripted_client, link
):
    connection, _, cyber = link

    def script(request):
        query = query_of(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        if query["page"] == "null":
            return Answer(200, balance_page({"EQTY": [equity_item(0)]}, total=5, next_page="A"))
        return Answer(200, balance_page({"EQTY": [equity_item(1)]}, total=5, next_page=None))

    scripted.script = script

    balance = scripted_client.balance(connection, cyber)

    assert [h.isin for h in balance.equities] == ["KR7000000003", "KR7000001003"]


def test_an_invalid_page_key_restarts_from_the_first_page_once(scripted, scripted_client, link):
    connection, _, cyber = link
    families = PagedFamilies({"FUND": 5}, size=2)
    refused = []

    def spoil(query):
        if query["page"] == "KFUND4" and not refused:
            refused.append(True)
            return error_answer(6003, "invalid page key")

    scripted.script = script_families(families, spoil)

    balance = scripted_client.balance(connection, cyber)

    fund_pages = [
        query_of(r)["page"] for r in scripted.requests if query_of(r)["assetType"] == "FUND"
    ]
    assert fund_pages == ["null", "KFUND2", "KFUND4", "null", "KFUND2", "KFUND4"]
    assert [f.fund_code for f in balance.funds] == [f"KRZ{i:09d}" for i in range(5)]


def test_a_second_invalid_page_key_is_raised(scripted, scripted_client, link):
    connection, _, cyber = link
    families = PagedFamilies({"FUND": 5}, size=2)

    def spoil(query):
        if query["page"] == "KFUND2":
            return error_answer(6003, "invalid page key")

    scripted.script = script_families(families, spoil)

    with pytest.raises(PlatformError) as failed:
        scripted_client.balance(connection, cyber)

    assert failed.value.kind == INVALID_PAGE
    assert failed.value.code == 6003


def test_paging_stops_at_the_hard_cap_and_keeps_what_it_read(
    scripted, scripted_client, link, monkeypatch
):
    monkeypatch.setattr(paging, "MAX_PAGES", 5)
    connection, _, cyber = link

    def script(request):
        query = query_of(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        n = len(scripted.requests)
        return Answer(200, balance_page({"EQTY": [equity_item(n)]}, total=10**6, next_page=f"P{n}"))

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    assert len(balance.equities) == 5
    assert balance.complete is False
    assert len([r for r in scripted.requests if query_of(r)["assetType"] == "EQTY"]) == 5
    assert next(n for n in context.notes if n["query"] == "balance EQTY")["ended"] == "cap"


def test_the_portfolio_is_whole_with_cash_and_weights(scripted, scripted_client, link):
    connection, _, cyber = link

    def script(request):
        query = query_of(request)
        families = {
            "CASH": {"cash": {"amt": 0.25}},
            "EQTY": {"equityList": [{"isinCode": "KR7005930003", "qty": 0.5}]},
            "FUND": {"fundList": [{"fundCode": "KRZ500395135", "qty": 1.0}]},
            "ETC": {},
        }
        return Answer(
            200,
            {
                "portfolioResponseBody": {
                    "queryResult": {"totalCnt": 1.0, "count": 1.0, "page": "null"}
                },
                "portfolioList": {"portfolio": families[query["assetType"]]},
                "resp": OK,
            },
        )

    scripted.script = script

    portfolio = scripted_client.portfolio(connection, cyber)

    assert {query_of(r)["rspType"] for r in scripted.requests} == {"RAT"}
    assert portfolio.cash_amt == Decimal("0.25")
    assert [(e.isin, e.weight) for e in portfolio.equities] == [("KR7005930003", Decimal("0.5"))]
    assert [f.fund_code for f in portfolio.funds] == ["KRZ500395135"]
