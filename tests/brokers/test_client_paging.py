"""Whole answers from pages: ALL or per type, keys followed, loops and gaps caught, windows split.

These tests script the platform's answers exactly (tests/brokers/scripted.py) to reach the
corner cases; the same behaviour against the live sandbox is in test_client_sandbox.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from brokers.errors import INVALID_PAGE, RATE_LIMITED, TRANSIENT, PlatformError
from brokers.models import Broker
from brokers.openplatform import paging
from brokers.resilience.breaker import CircuitOpen
from brokers.upstream import Balance, CallContext, RatiosOnly
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory

pytestmark = pytest.mark.django_db

OK = {"respCode": "200", "respMsg": "OK"}


def _error(code: int, message: str = "error.", status: int = 500) -> Answer:
    return Answer(status, {"category": "op-exco", "code": code, "message": message})


def _equity(n: int) -> dict:
    return {
        "assetType": "KSP",
        "isinCode": f"KR7{n:06d}003",
        "qty": 10.0,
        "tradeType": "SUM",
        "valAtTrade": 1000.0,
        "valAtCur": 1100.0,
        "proLoss": 100.0,
        "earningRate": 10.0,
    }


def _fund(n: int) -> dict:
    return {"fundCode": f"KRZ{n:09d}", "fundName": "펀드", "valAtCur": 5000.0}


def _other(n: int) -> dict:
    return {"assetType": "BOND", "assetName": f"채권{n}", "qty": 1.0e9, "valueAtCur": 1.0e9}


SUMMARY = {"cashBalance": 6976542.0, "valueAtCur": 3.89165300498e11, "receivable": None}
FAMILY_KEYS = {"EQTY": "equityList", "FUND": "fundList", "ETC": "etcList"}
MAKERS = {"EQTY": _equity, "FUND": _fund, "ETC": _other}


def _balance_page(items: dict[str, list[dict]], *, total: int, next_page: str | None) -> dict:
    balance: dict = {"summary": SUMMARY}
    for family, rows in items.items():
        balance[FAMILY_KEYS[family]] = rows
    return {
        "balanceResponseBody": {
            "queryResult": {
                "totalCnt": float(total),
                "count": float(sum(len(r) for r in items.values())),
                "page": next_page or "null",
            }
        },
        "balanceList": {"balance": balance},
        "resp": OK,
    }


class PagedFamilies:
    """Scripted per-type paging: `size` items a page, keys "K<family><offset>"."""

    def __init__(self, counts: dict[str, int], size: int = 3) -> None:
        self.items = {f: [MAKERS[f](i) for i in range(n)] for f, n in counts.items()}
        self.size = size

    def answer(self, asset_type: str, page: str) -> Answer:
        if asset_type == "CASH":
            return Answer(200, _balance_page({}, total=0, next_page=None))
        if asset_type == "ALL":
            return Answer(200, _balance_page(self.items, total=157, next_page=None))
        rows = self.items.get(asset_type, [])
        offset = 0 if page == "null" else int(page[len("K" + asset_type) :])
        end = offset + self.size
        next_page = f"K{asset_type}{end}" if end < len(rows) else None
        chunk = {asset_type: rows[offset:end]}
        return Answer(200, _balance_page(chunk, total=len(rows), next_page=next_page))


def _script(families: PagedFamilies, spoil=lambda query: None):
    """Answer from `families`, unless `spoil(query)` gives another answer for that request."""

    def script(request) -> Answer:
        query = _query(request)
        return spoil(query) or families.answer(query["assetType"], query["page"])

    return script


def _query(request) -> dict:
    body = request.json()
    for name in ("balanceRequestBody", "portfolioRequestBody"):
        if name in body:
            return body[name]["queryType"]
    return body["transactionHistoryRequestBody"]["queryParams"]


@pytest.fixture
def link():
    """Alice's identity, connection and an account at diamond (ALL) and at cyber (per type)."""
    identity = IdentityFactory(user__email="alice@example.com")
    connection = ConnectionFactory(user=identity.user)
    diamond = LinkedAccountFactory(user=identity.user)
    cyber = LinkedAccountFactory(user=identity.user, broker=Broker.objects.get(short_name="cyber"))
    return connection, diamond, cyber


# --- balance and portfolio -----------------------------------------------------------------


def test_a_broker_with_all_is_asked_once_and_the_answer_is_cached(scripted, scripted_client, link):
    connection, diamond, _ = link
    families = PagedFamilies({"EQTY": 4, "FUND": 2, "ETC": 1})
    scripted.script = lambda request: families.answer(_query(request)["assetType"], "null")

    first = scripted_client.balance(connection, diamond)
    again = scripted_client.balance(connection, diamond)

    assert [_query(r) for r in scripted.requests] == [
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
        _query(request)["assetType"], _query(request)["page"]
    )

    balance = scripted_client.balance(connection, cyber)

    asked = [(_query(r)["assetType"], _query(r)["page"]) for r in scripted.requests]
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
            return _error(6001, "asset type not supported: ALL")

    scripted.script = _script(families, spoil)

    balance = scripted_client.balance(connection, diamond)

    assert [_query(r)["assetType"] for r in scripted.requests] == [
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
    scripted.script = lambda request: _error(6001, "service not supported.")

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
            return Answer(200, _balance_page({"EQTY": []}, total=7, next_page="KEQTY3"))

    scripted.script = _script(families, spoil)

    balance = scripted_client.balance(connection, cyber)

    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(7)]


def test_a_page_key_that_keeps_repeating_stops_paging_and_keeps_the_pages_read(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 7}, size=3)

    def spoil(query):
        if query["assetType"] == "EQTY" and query["page"] != "null":
            rows = [_equity(3)]
            return Answer(200, _balance_page({"EQTY": rows}, total=7, next_page=query["page"]))

    scripted.script = _script(families, spoil)
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
        query = _query(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        keys = {"null": ("0", "20"), "20": ("1", "40"), "40": ("2", "10")}
        n, next_key = keys.get(query["page"], ("9", None))
        return Answer(200, _balance_page({"EQTY": [_equity(int(n))]}, total=3, next_page=next_key))

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    eqty_pages = [_query(r)["page"] for r in scripted.requests if _query(r)["assetType"] == "EQTY"]
    assert eqty_pages == ["null", "20", "40", "null", "20", "40"]
    assert [h.isin for h in balance.equities] == [f"KR7{i:06d}003" for i in range(3)]
    assert next(n for n in context.notes if n["query"] == "balance EQTY")["ended"] == "loop"


def test_a_dropped_page_cannot_be_told_from_loose_counts_and_is_recorded_not_refused(
    scripted, scripted_client, link
):
    connection, _, cyber = link
    families = PagedFamilies({"EQTY": 9}, size=3)

    def script(request):
        query = _query(request)
        answer = families.answer(query["assetType"], query["page"])
        if query["assetType"] == "EQTY" and query["page"] == "null":
            answer.body["balanceResponseBody"]["queryResult"]["page"] = "KEQTY6"
        return answer

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    eqty_pages = [_query(r)["page"] for r in scripted.requests if _query(r)["assetType"] == "EQTY"]
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
        query = _query(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        if query["page"] == "null":
            return Answer(200, _balance_page({"EQTY": [_equity(0)]}, total=5, next_page="A"))
        return Answer(200, _balance_page({"EQTY": [_equity(1)]}, total=5, next_page=None))

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
            return _error(6003, "invalid page key")

    scripted.script = _script(families, spoil)

    balance = scripted_client.balance(connection, cyber)

    fund_pages = [_query(r)["page"] for r in scripted.requests if _query(r)["assetType"] == "FUND"]
    assert fund_pages == ["null", "KFUND2", "KFUND4", "null", "KFUND2", "KFUND4"]
    assert [f.fund_code for f in balance.funds] == [f"KRZ{i:09d}" for i in range(5)]


def test_a_second_invalid_page_key_is_raised(scripted, scripted_client, link):
    connection, _, cyber = link
    families = PagedFamilies({"FUND": 5}, size=2)

    def spoil(query):
        if query["page"] == "KFUND2":
            return _error(6003, "invalid page key")

    scripted.script = _script(families, spoil)

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
        query = _query(request)
        if query["assetType"] != "EQTY":
            return PagedFamilies({}).answer(query["assetType"], query["page"])
        n = len(scripted.requests)
        return Answer(200, _balance_page({"EQTY": [_equity(n)]}, total=10**6, next_page=f"P{n}"))

    scripted.script = script
    context = CallContext()

    balance = scripted_client.balance(connection, cyber, context=context)

    assert len(balance.equities) == 5
    assert balance.complete is False
    assert len([r for r in scripted.requests if _query(r)["assetType"] == "EQTY"]) == 5
    assert next(n for n in context.notes if n["query"] == "balance EQTY")["ended"] == "cap"


def test_the_portfolio_is_whole_with_cash_and_weights(scripted, scripted_client, link):
    connection, _, cyber = link

    def script(request):
        query = _query(request)
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

    assert {_query(r)["rspType"] for r in scripted.requests} == {"RAT"}
    assert portfolio.cash_amt == Decimal("0.25")
    assert [(e.isin, e.weight) for e in portfolio.equities] == [("KR7005930003", Decimal("0.5"))]
    assert [f.fund_code for f in portfolio.funds] == ["KRZ500395135"]


# --- transactions ------------------------------------------------------------------------


def _rows_between(start: str, end: str) -> list[dict]:
    """One deposit on each window's first and last day, and two identical ones in between."""
    return [
        {"transDate": start, "transType": "DEP", "isinCode": "CASH", "changeAmt": 100},
        {"transDate": start, "transType": "DEP", "isinCode": "CASH", "changeAmt": 100},
        {"transDate": end, "transType": "WID", "isinCode": "CASH", "changeAmt": -5},
    ]


def _transaction_page(rows: list[dict], *, total: int, next_page: str = "null") -> Answer:
    return Answer(
        200,
        {
            "transactionHistoryResponseBody": {
                "queryParams": {},
                "queryResult": {"count": len(rows), "page": next_page, "totalCnt": total},
            },
            "transList": {"transaction": rows},
            "resp": OK,
        },
    )


def test_transactions_are_asked_in_windows_no_longer_than_the_brokers_maximum(
    scripted, scripted_client, link
):
    connection, _, cyber = link  # cyber: at most 90 days
    scripted.script = lambda request: _transaction_page(
        _rows_between(_query(request)["fromDate"], _query(request)["toDate"]), total=3
    )

    rows = scripted_client.transactions(
        connection, cyber, datetime.date(2026, 1, 1), datetime.date(2026, 7, 19)
    )

    windows = [(_query(r)["fromDate"], _query(r)["toDate"]) for r in scripted.requests]
    assert windows == [
        ("20260101", "20260331"),
        ("20260401", "20260629"),
        ("20260630", "20260719"),
    ]
    assert {_query(r)["page"] for r in scripted.requests} == {""}
    # Nothing is deduplicated: the two equal deposits of each window are two transactions.
    assert len(rows) == 9
    assert rows[0] == rows[1]
    assert rows[0].date == datetime.date(2026, 1, 1)
    assert rows[-1].date == datetime.date(2026, 7, 19)


def test_a_window_refused_with_6006_is_split_to_the_days_the_error_names(
    scripted, scripted_client, link
):
    connection, diamond, _ = link  # diamond: no known maximum

    def script(request):
        query = _query(request)
        start = datetime.datetime.strptime(query["fromDate"], "%Y%m%d")
        end = datetime.datetime.strptime(query["toDate"], "%Y%m%d")
        if (end - start).days + 1 > 30:
            return _error(6006, "date range exceeded (max 30 days)")
        return _transaction_page(_rows_between(query["fromDate"], query["toDate"]), total=3)

    scripted.script = script

    rows = scripted_client.transactions(
        connection, diamond, datetime.date(2026, 3, 1), datetime.date(2026, 4, 29)
    )

    windows = [(_query(r)["fromDate"], _query(r)["toDate"]) for r in scripted.requests]
    # One refused call, then windows of 30 days straight away for the rest of the range.
    assert windows == [
        ("20260301", "20260429"),
        ("20260301", "20260330"),
        ("20260331", "20260429"),
    ]
    assert len(rows) == 6


def test_a_6006_without_a_limit_halves_the_window_until_it_is_accepted(
    scripted, scripted_client, link
):
    connection, diamond, _ = link

    def script(request):
        query = _query(request)
        start = datetime.datetime.strptime(query["fromDate"], "%Y%m%d")
        end = datetime.datetime.strptime(query["toDate"], "%Y%m%d")
        if (end - start).days + 1 > 20:
            return _error(6006, "date range exceeded.")
        return _transaction_page([], total=0)

    scripted.script = script

    scripted_client.transactions(
        connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 2, 19)
    )

    windows = [(_query(r)["fromDate"], _query(r)["toDate"]) for r in scripted.requests]
    assert windows == [
        ("20260101", "20260219"),  # 50 days: refused
        ("20260101", "20260125"),  # 25: refused
        ("20260101", "20260112"),  # 12 days from here on
        ("20260113", "20260124"),
        ("20260125", "20260205"),
        ("20260206", "20260217"),
        ("20260218", "20260219"),
    ]


def test_transactions_follow_pages_within_a_window(scripted, scripted_client, link):
    connection, diamond, _ = link

    def script(request):
        if _query(request)["page"] == "":
            return _transaction_page(_rows_between("20260105", "20260106"), total=4, next_page="2")
        return _transaction_page(_rows_between("20260107", "20260107")[:1], total=4)

    scripted.script = script

    rows = scripted_client.transactions(
        connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
    )

    assert [_query(r)["page"] for r in scripted.requests] == ["", "2"]
    assert [row.date.day for row in rows] == [5, 5, 6, 7]


def test_a_window_of_one_day_still_refused_is_raised(scripted, scripted_client, link):
    connection, diamond, _ = link
    scripted.script = lambda request: _error(6006, "date range exceeded.")

    with pytest.raises(PlatformError) as failed:
        scripted_client.transactions(
            connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)
        )

    assert failed.value.code == 6006
    assert len(scripted.requests) == 3  # 4 days, 2 days, 1 day: all refused


def test_a_window_ending_before_it_starts_is_a_caller_error(scripted_client, link):
    connection, diamond, _ = link

    with pytest.raises(ValueError):
        scripted_client.transactions(
            connection, diamond, datetime.date(2026, 1, 2), datetime.date(2026, 1, 1)
        )


# --- the other services and the guards ----------------------------------------------------


def test_a_broker_without_watchlists_has_an_empty_one(scripted, scripted_client, link):
    connection, _, cyber = link
    scripted.script = lambda request: _error(6001, "service not supported.")

    assert scripted_client.watchlist(connection, cyber) == ()


def test_membership_and_links_use_the_api_key_and_the_users_ci_and_name(
    scripted, scripted_client, link
):
    connection, _, _ = link
    identity = connection.user.identity
    answers = iter(
        [
            Answer(200, {"result": "member"}),
            Answer(200, {"vtAccList": [{"comId": " 00002", "vtAccNo": "160657695589800099"}]}),
        ]
    )
    scripted.script = lambda request: next(answers)

    assert scripted_client.is_member(identity) is True
    [account] = scripted_client.linked_accounts(identity)

    register, consent = scripted.requests
    assert register.path == "/v1/common/member/register/search"
    assert consent.path == "/v1/common/member/consent/search"
    assert register.headers["apikey"] == "test-api-key"
    assert "Authorization" not in register.headers
    assert register.json()["commonHeader"]["ci"] == identity.ci
    assert register.json()["body"] == {"korName": "홍길동"}
    assert (account.broker_code, account.vt_acc_no) == ("00002", "160657695589800099")


def test_account_calls_carry_the_bearer_token_and_the_users_ip_when_they_asked(
    scripted, scripted_client, link
):
    connection, diamond, _ = link
    scripted.script = lambda request: Answer(200, {"resp": OK})

    scripted_client.watchlist(connection, diamond, context=CallContext(ip_address="1.2.3.4"))
    scripted_client.watchlist(connection, diamond)

    user_call, background_call = scripted.requests
    assert user_call.headers["Authorization"] == f"Bearer {connection.access_token}"
    assert user_call.json()["devInfo"]["ipAddr"] == "001002003004"
    assert background_call.json()["devInfo"]["ipAddr"] == "127000000001"
    assert user_call.json()["accInfo"] == {"vtAccNo": diamond.vt_acc_no}
    assert user_call.json()["partner"] == {"comId": "F9999", "srvId": "999"}
    assert (
        user_call.json()["commonHeader"]["reqIdConsumer"]
        != (background_call.json()["commonHeader"]["reqIdConsumer"])
    )


def test_three_transient_failures_open_the_brokers_circuit_and_no_call_goes_out(
    scripted, scripted_client, link
):
    connection, diamond, cyber = link
    scripted.script = lambda request: _error(3600, "service unavailable.", status=503)
    for attempt in range(1, 4):
        with pytest.raises(PlatformError) as failed:
            scripted_client.watchlist(connection, diamond, context=CallContext(attempt=attempt))
        assert failed.value.kind == TRANSIENT

    with pytest.raises(CircuitOpen) as refused:
        scripted_client.watchlist(connection, diamond)

    assert len(scripted.requests) == 3
    assert refused.value.retry_after > 50
    scripted.script = lambda request: Answer(200, {"resp": OK})
    scripted_client.watchlist(connection, cyber)  # cyber's circuit is closed
    assert len(scripted.requests) == 4


def test_the_users_daily_budget_stops_calls_before_they_are_sent(
    scripted, scripted_client, link, settings
):
    connection, diamond, _ = link
    scripted_client.user_budget.limit = 2
    scripted.script = lambda request: Answer(200, {"resp": OK})
    scripted_client.watchlist(connection, diamond)
    scripted_client.watchlist(connection, diamond)

    with pytest.raises(PlatformError) as refused:
        scripted_client.watchlist(connection, diamond)

    assert refused.value.kind == RATE_LIMITED
    assert len(scripted.requests) == 2


def test_a_connection_without_a_token_makes_no_call(scripted, scripted_client, link):
    connection, diamond, _ = link
    connection.access_token = None

    with pytest.raises(PlatformError) as failed:
        scripted_client.watchlist(connection, diamond)

    assert failed.value.kind == "reauth_required"
    assert scripted.requests == []


def test_a_user_without_a_verified_identity_makes_no_call(scripted, scripted_client):
    connection = ConnectionFactory()  # no Identity for this user
    account = LinkedAccountFactory(user=connection.user)

    with pytest.raises(PlatformError) as failed:
        scripted_client.watchlist(connection, account)

    assert failed.value.kind == "identity_mismatch"
    assert scripted.requests == []
