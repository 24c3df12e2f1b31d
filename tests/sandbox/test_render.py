from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from brokers.sandbox import data, jsontext
from brokers.sandbox.jsontext import Double
from brokers.sandbox.render.balance import balance as render_balance
from brokers.sandbox.render.errors import RequestError, error_body
from brokers.sandbox.render.interest import interest as render_interest
from brokers.sandbox.render.member import consent_item, consent_list, member_result
from brokers.sandbox.render.portfolio import portfolio as render_portfolio
from brokers.sandbox.render.transactions import parse_transaction_query
from brokers.sandbox.render.transactions import transaction as render_transaction
from tests.sandbox import seed_shapes

CI = "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
VT = "160678007213500001"  # the seed's balance and portfolio account
DEFAULT_ACCOUNTS = [VT, "160731060768600001", "100000000000000001", "100000000000000002"]
LARGE = "160678007213599999"
EMPTY = "160678007213500077"
TODAY = data.REFERENCE_DATE
SECRET = b"render-test-secret"


# --- helpers ------------------------------------------------------------------------------


def envelope(
    body_name: str,
    body: dict[str, Any],
    *,
    vt: str = VT,
    ci: str = CI,
    consumer: str = "ID000001",
) -> dict[str, Any]:
    return {
        "partner": {"comId": "F9999", "srvId": "999"},
        "commonHeader": {"reqIdPlatform": "", "reqIdConsumer": consumer, "ci": ci},
        "devInfo": {"ipAddr": "123451234500", "macAddr": "7054D27EE247"},
        "accInfo": {"vtAccNo": vt},
        body_name: body,
    }


def balance_request(asset_type: str = "ALL", count: Any = 0, page: Any = "null", **kw: Any):
    query = {"assetType": asset_type, "count": count, "page": page}
    return envelope("balanceRequestBody", {"queryType": query}, **kw)


def portfolio_request(
    asset_type: str = "ALL", rsp_type: Any = "RAT", count: Any = 0, page: Any = "null", **kw: Any
):
    query = {"assetType": asset_type, "rspType": rsp_type, "count": count, "page": page}
    return envelope("portfolioRequestBody", {"queryType": query}, **kw)


def transaction_request(
    from_date: str = "20240101",
    to_date: str = "20261121",
    *,
    isin: str = "",
    side: str = "",
    count: Any = 30,
    page: Any = "",
    section: str = "queryParams",
    **kw: Any,
):
    params = {
        "fromDate": from_date,
        "toDate": to_date,
        "isinCode": isin,
        "side": side,
        "count": count,
        "page": page,
    }
    return envelope("transactionHistoryRequestBody", {section: params}, **kw)


def interest_request(**kw: Any) -> dict[str, Any]:
    query = {"assetType": "", "rspType": None, "count": 0, "page": "", "totalCnt": 0}
    return envelope("interestSymbolListRequestBody", {"queryType": query}, **kw)


def snapshot(vt: str = VT, profile: str = "default", day: date = TODAY) -> data.AccountSnapshot:
    return data.holdings_as_of(vt, profile, day)


def balance_of(vt: str = VT, profile: str = "default", **kw: Any) -> dict[str, Any]:
    return render_balance(balance_request(vt=vt, **kw), snapshot(vt, profile), secret=SECRET)


def portfolio_of(vt: str = VT, profile: str = "default", **kw: Any) -> dict[str, Any]:
    return render_portfolio(portfolio_request(vt=vt, **kw), snapshot(vt, profile), secret=SECRET)


def transactions_of(request: dict[str, Any], profile: str = "default") -> dict[str, Any]:
    query = parse_transaction_query(request)
    vt = request["accInfo"]["vtAccNo"]
    txns = data.transactions_between(vt, profile, query.from_date, query.to_date)
    return render_transaction(request, txns, secret=SECRET)


def on_the_wire(payload: dict[str, Any]) -> Any:
    """What a client sees: the JSON text, parsed with Decimal numbers."""
    return json.loads(jsontext.dumps(payload), parse_float=Decimal)


def key_paths(obj: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(obj, dict):
        for key, value in obj.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= key_paths(value, path)
    elif isinstance(obj, list):
        for value in obj:
            paths |= key_paths(value, prefix + "[]")
    return paths


def compact(seed_text: str) -> str:
    # The seed's payloads are one token per line; one list has "}, {" between items.
    return seed_text.replace("\n", "").replace("}, {", "},{")


# --- jsontext -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12345", "12345"),
        ("-3.5", "-3.5"),
        ("-3.50", "-3.5"),
        ("0", "0"),
        ("0.00", "0"),
        ("999999999", "999999999"),
        ("999999999.5", "999999999.5"),
        ("1E9", "1.0E9"),
        ("1000000000", "1.0E9"),
        ("1E10", "1.0E10"),
        ("10000000000.00", "1.0E10"),
        ("369827563509", "3.69827563509E11"),
        ("-1230000000", "-1.23E9"),
        ("1.2E+3", "1200"),
    ],
)
def test_plain_decimals_switch_to_scientific_notation_at_one_billion(value: str, text: str) -> None:
    assert jsontext.format_number(Decimal(value)) == text
    assert json.loads(text, parse_float=Decimal) == Decimal(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("6976542", "6976542.0"),
        ("98163580", "9.816358E7"),
        ("369827563509", "3.69827563509E11"),
        ("10000000000", "1.0E10"),
        ("991452055", "9.91452055E8"),
        ("-12.9", "-12.9"),
        ("0", "0.0"),
        ("157", "157.0"),
        ("0.86", "0.86"),
        ("-36364", "-36364.0"),
        ("0.0005", "5.0E-4"),
        ("9999999", "9999999.0"),
        ("10000000", "1.0E7"),
    ],
)
def test_doubles_are_written_like_javas_double_to_string(value: str, text: str) -> None:
    assert jsontext.format_double(Decimal(value)) == text
    assert jsontext.dumps(Double(value)) == text
    assert json.loads(text, parse_float=Decimal) == Decimal(value)


@pytest.mark.parametrize(
    "seed_text", [seed_shapes.BALANCE_RESPONSE, seed_shapes.PORTFOLIO_RESPONSE]
)
def test_doubles_reproduce_the_seeds_balance_and_portfolio_text_exactly(seed_text: str) -> None:
    assert jsontext.dumps(json.loads(seed_text, parse_float=Double)) == compact(seed_text)


@pytest.mark.parametrize(
    "seed_text", [seed_shapes.TRANSACTION_RESPONSE, seed_shapes.INTEREST_RESPONSE]
)
def test_plain_numbers_reproduce_the_seeds_transaction_and_interest_text(seed_text: str) -> None:
    assert jsontext.dumps(json.loads(seed_text, parse_float=Decimal)) == compact(seed_text)


def test_dumps_writes_korean_as_is_and_refuses_floats_and_nan() -> None:
    text = jsontext.dumps({"이름": "삼성전자", "ok": True, "none": None, "n": [1, Decimal("2.5")]})
    assert text == '{"이름":"삼성전자","ok":true,"none":null,"n":[1,2.5]}'
    with pytest.raises(TypeError):
        jsontext.dumps({"amount": 1.5})
    with pytest.raises(ValueError):
        jsontext.dumps(Decimal("NaN"))
    with pytest.raises(TypeError):
        jsontext.dumps({1: "x"})


# --- shapes against the seeds -------------------------------------------------------------

BALANCE_EXTRAS = {
    "balanceList.balance.equityList[].productType",
    "balanceList.balance.equityList[].productName",
    "balanceList.balance.fundList[].fundType",
}


def test_balance_has_the_seeds_key_paths_and_order() -> None:
    seed = json.loads(seed_shapes.BALANCE_RESPONSE)
    request = json.loads(seed_shapes.BALANCE_REQUEST, parse_float=Decimal)
    ours = on_the_wire(render_balance(request, snapshot(), secret=SECRET))
    assert list(ours) == list(seed)
    assert key_paths(seed) <= key_paths(ours)
    # The only additions are fields the documentation lists and the seed example omits.
    assert key_paths(ours) - key_paths(seed) == BALANCE_EXTRAS
    balance = ours["balanceList"]["balance"]
    seed_balance = seed["balanceList"]["balance"]
    assert list(balance["summary"]) == list(seed_balance["summary"])
    for item in balance["equityList"]:
        assert [k for k in item if k not in ("productType", "productName")] == list(
            seed_balance["equityList"][0]
        )
    for item in balance["fundList"]:
        assert [k for k in item if k != "fundType"] == list(seed_balance["fundList"][0])
    for item in balance["etcList"]:
        assert list(item) == list(seed_balance["etcList"][0])


def test_portfolio_has_exactly_the_seeds_key_paths_and_order() -> None:
    seed = json.loads(seed_shapes.PORTFOLIO_RESPONSE)
    request = json.loads(seed_shapes.PORTFOLIO_REQUEST, parse_float=Decimal)
    ours = on_the_wire(render_portfolio(request, snapshot(), secret=SECRET))
    assert list(ours) == list(seed)
    assert key_paths(ours) == key_paths(seed)
    assert list(ours["portfolioResponseBody"]["queryType"]) == list(
        seed["portfolioResponseBody"]["queryType"]
    )


def test_transaction_has_exactly_the_seeds_key_paths_and_order() -> None:
    seed = json.loads(seed_shapes.TRANSACTION_RESPONSE)
    request = json.loads(seed_shapes.TRANSACTION_REQUEST, parse_float=Decimal)
    request["transactionHistoryRequestBody"]["queryParams"].update(
        {"fromDate": "20240101", "toDate": "20261121"}
    )
    ours = on_the_wire(transactions_of(request))
    assert list(ours) == list(seed)
    assert key_paths(ours) == key_paths(seed)
    body, seed_body = ours["transactionHistoryResponseBody"], seed["transactionHistoryResponseBody"]
    assert list(body["queryResult"]) == list(seed_body["queryResult"])
    assert list(ours["transList"]["transaction"][0]) == list(seed["transList"]["transaction"][0])


def test_interest_has_exactly_the_seeds_key_paths_and_order() -> None:
    seed = json.loads(seed_shapes.INTEREST_RESPONSE)
    request = json.loads(seed_shapes.INTEREST_REQUEST, parse_float=Decimal)
    ours = on_the_wire(render_interest(request, data.watchlist(request["accInfo"]["vtAccNo"])))
    assert list(ours) == list(seed)
    assert key_paths(ours) == key_paths(seed)
    for group in ours["interestSymbolListResponseBody"]["groupList"]["group"]:
        assert list(group) == ["isinCode", "groupName", "modifyDate"]


# --- values -------------------------------------------------------------------------------


def test_balance_values_are_the_snapshots() -> None:
    s = snapshot()
    wire = on_the_wire(balance_of())
    summary = wire["balanceList"]["balance"]["summary"]
    assert summary["cashBalance"] == s.cash
    assert summary["valAtTrade"] == s.summary.val_at_trade
    assert summary["valueAtCur"] == s.summary.value_at_cur
    assert summary["totalAccVal"] == s.summary.total_acc_val
    equities = wire["balanceList"]["balance"]["equityList"]
    assert [(e["isinCode"], e["qty"], e["valAtCur"]) for e in equities] == [
        (h.isin, h.qty, h.val_at_cur) for h in s.equities
    ]
    assert equities[0]["productName"] == s.equities[0].name
    assert wire["balanceResponseBody"]["queryResult"]["totalCnt"] == len(s.equities) + len(
        s.funds
    ) + len(s.others)


def test_portfolio_gives_ratios_for_rat_and_quantities_for_qty() -> None:
    s = snapshot()
    ratios = data.portfolio_ratios(s)
    rat = on_the_wire(portfolio_of())["portfolioList"]["portfolio"]
    assert rat["cash"]["amt"] == ratios.cash_ratio
    assert [e["qty"] for e in rat["equityList"]] == [w.weight for w in ratios.equities]
    assert [e["earningRate"] for e in rat["equityList"]] == [h.earning_rate for h in s.equities]
    qty = on_the_wire(portfolio_of(rsp_type="QTY"))["portfolioList"]["portfolio"]
    assert qty["cash"]["amt"] == s.cash
    assert [e["qty"] for e in qty["equityList"]] == [h.qty for h in s.equities]
    assert [f["qty"] for f in qty["fundList"]] == [h.units for h in s.funds]


def test_transaction_rows_are_the_ledgers_rows_filtered_by_side_and_code() -> None:
    opened = data.opening_date(VT)
    everything = data.transactions_between(VT, "default", opened, TODAY)
    asks = on_the_wire(transactions_of(transaction_request(side="ASK", count=100)))
    rows = asks["transList"]["transaction"]
    assert {r["transType"] for r in rows} == {"ASK"}
    assert asks["transactionHistoryResponseBody"]["queryResult"]["totalCnt"] == sum(
        1 for t in everything if t.trans_type == "ASK"
    )
    isin = next(t.isin_code for t in everything if t.isin_code.startswith("KR7"))
    one = on_the_wire(transactions_of(transaction_request(isin=isin, count=100)))
    assert {r["isinCode"] for r in one["transList"]["transaction"]} == {isin}
    cash = on_the_wire(transactions_of(transaction_request(isin="CASH", count=100)))
    assert {r["transType"] for r in cash["transList"]["transaction"]} <= {"DEP", "WID", "ETC"}
    every = on_the_wire(transactions_of(transaction_request(side="ALL", count=100)))
    assert every["transactionHistoryResponseBody"]["queryResult"]["totalCnt"] == len(everything)


def test_rows_after_the_as_of_date_are_left_out() -> None:
    request = transaction_request("20260101", "20261231", count=100)
    query = parse_transaction_query(request)
    txns = data.transactions_between(VT, "default", query.from_date, query.to_date)
    cut = date(2026, 6, 30)
    answer = render_transaction(request, txns, secret=SECRET, as_of=cut)
    total = answer["transactionHistoryResponseBody"]["queryResult"]["totalCnt"]
    assert total == sum(1 for t in txns if t.trans_date <= cut) < len(txns)


def test_identical_rows_survive_into_the_transaction_answer() -> None:
    pair_day = data.next_business_day(data.opening_date(VT) + timedelta(days=20))
    day = pair_day.strftime("%Y%m%d")
    wire = on_the_wire(transactions_of(transaction_request(day, day, count=100)))
    rows = [json.dumps(r, sort_keys=True, default=str) for r in wire["transList"]["transaction"]]
    assert max(Counter(rows).values()) >= 2


# --- quirks, in the order of render's docstring --------------------------------------------


def all_answers(ci: str = CI, consumer: str = "ID000001") -> dict[str, dict[str, Any]]:
    kw = {"ci": ci, "consumer": consumer}
    s = snapshot()
    return {
        "balance": render_balance(balance_request(**kw), s, secret=SECRET),
        "portfolio": render_portfolio(portfolio_request(**kw), s, secret=SECRET),
        "transaction": transactions_of(transaction_request(**kw)),
        "interest": render_interest(interest_request(**kw), data.watchlist(VT)),
    }


@pytest.mark.parametrize("sent_ci", [CI, " " + CI])
def test_ci_is_echoed_with_exactly_one_leading_space(sent_ci: str) -> None:
    for answer in all_answers(ci=sent_ci).values():
        assert answer["commonHeader"]["ci"] == " " + CI


def test_req_id_consumer_gets_a_leading_space_in_balance_answers_only() -> None:
    answers = all_answers(consumer="ID00002")
    assert answers["balance"]["commonHeader"]["reqIdConsumer"] == " ID00002"
    for name in ("portfolio", "transaction", "interest"):
        assert answers[name]["commonHeader"]["reqIdConsumer"] == "ID00002"


def test_blank_unused_fields_and_a_platform_request_id_are_echoed() -> None:
    for answer in all_answers().values():
        header = answer["commonHeader"]
        assert list(header) == ["reqIdPlatform", "reqIdConsumer", "certDn", "ci"]
        assert header["certDn"] == ""
        assert re.fullmatch(r"[0-9a-f]{11}", header["reqIdPlatform"])
        assert answer["accInfo"] == {"realAccNo": "", "vtAccNo": VT}
        assert answer["resp"] == {"respCode": "200", "respMsg": "OK"}


def test_consent_items_have_a_leading_space_in_com_id() -> None:
    assert consent_item("00002", "160657695589800099", "주식투자용") == {
        "comId": " 00002",
        "vtAccNo": "160657695589800099",
        "vtAccAlias": "주식투자용",
    }
    listing = consent_list([("00031", "1", "a"), (" 00030", "2", "b")])
    assert [item["comId"] for item in listing["vtAccList"]] == [" 00031", " 00030"]
    assert consent_list([]) == {"vtAccList": []}
    assert member_result(True) == {"result": "member"}
    assert member_result(False) == {"result": "nonMember"}


def test_balance_and_portfolio_echo_count_as_a_string() -> None:
    balance = balance_of(asset_type="EQTY", count=20)
    assert balance["balanceResponseBody"]["queryType"] == {
        "assetType": "EQTY",
        "count": "20",
        "page": "null",
    }
    assert balance_of()["balanceResponseBody"]["queryType"]["count"] == "0"
    assert balance_of(page=None)["balanceResponseBody"]["queryType"]["page"] == "null"
    portfolio = portfolio_of()
    assert portfolio["portfolioResponseBody"]["queryType"] == {
        "assetType": "ALL",
        "rspType": "RAT",
        "count": "0",
        "page": "null",
    }
    assert '"queryType":{"assetType":"ALL","count":"0","page":"null"}' in jsontext.dumps(
        balance_of()
    )


@pytest.mark.parametrize("section", ["queryParams", "queryPrams"])
def test_transaction_echo_keeps_count_and_page_as_sent(section: str) -> None:
    answer = transactions_of(transaction_request(count=30, page="", section=section))
    body = answer["transactionHistoryResponseBody"]
    assert body["queryParams"] == {
        "fromDate": "20240101",
        "toDate": "20261121",
        "isinCode": "",
        "side": "",
        "count": 30,
        "page": "",
    }
    assert '"count":30,"page":""}' in jsontext.dumps(answer)


def test_page_info_is_query_result_with_double_or_integer_counts() -> None:
    balance_text = jsontext.dumps(balance_of())
    portfolio_text = jsontext.dumps(portfolio_of())
    transaction_text = jsontext.dumps(transactions_of(transaction_request()))
    for text in (balance_text, portfolio_text, transaction_text):
        assert '"queryResult":{' in text
        assert "queryRequest" not in text
    for text in (balance_text, portfolio_text):
        assert re.search(r'"queryResult":\{"totalCnt":\d+\.0,"count":\d+\.0,"page":"null"\}', text)
    assert re.search(
        r'"queryResult":\{"count":30,"page":"[A-Za-z0-9_-]{22}","totalCnt":\d+\}',
        (transaction_text),
    )


@pytest.mark.parametrize("service", ["balance", "portfolio"])
def test_paging_a_large_account_returns_every_equity_once_and_ends_with_null(service: str) -> None:
    s = snapshot(LARGE, "large")
    seen: list[str] = []
    page: str = "null"
    for _ in range(100):
        if service == "balance":
            request = balance_request("EQTY", 50, page, vt=LARGE)
            answer = on_the_wire(render_balance(request, s, secret=SECRET))
            body, items = answer["balanceResponseBody"], answer["balanceList"]["balance"]
        else:
            request = portfolio_request("EQTY", "RAT", 50, page, vt=LARGE)
            answer = on_the_wire(render_portfolio(request, s, secret=SECRET))
            body, items = answer["portfolioResponseBody"], answer["portfolioList"]["portfolio"]
        chunk = items["equityList"]
        assert len(chunk) <= 50
        assert body["queryResult"]["count"] == len(chunk)
        assert body["queryResult"]["totalCnt"] == len(s.equities)
        seen += [item["isinCode"] for item in chunk]
        page = body["queryResult"]["page"]
        if page == "null":
            break
        assert len(page) == 22
    assert seen == [h.isin for h in s.equities]
    assert len(seen) >= 500


def test_a_page_key_from_another_account_or_day_is_refused_with_6003() -> None:
    first = balance_of(asset_type="EQTY", count=5)
    key = first["balanceResponseBody"]["queryResult"]["page"]
    assert key != "null"
    assert balance_of(asset_type="EQTY", count=5, page=key)["balanceList"]["balance"]["equityList"]
    other = DEFAULT_ACCOUNTS[1]
    with pytest.raises(RequestError) as caught:
        render_balance(balance_request("EQTY", 5, key, vt=other), snapshot(other), secret=SECRET)
    assert caught.value.code == 6003
    with pytest.raises(RequestError) as caught:
        render_balance(
            balance_request("EQTY", 5, key), snapshot(day=TODAY - timedelta(days=1)), secret=SECRET
        )
    assert caught.value.code == 6003
    with pytest.raises(RequestError) as caught:
        balance_of(asset_type="FUND", count=5, page=key)
    assert caught.value.code == 6003


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS)
def test_amounts_of_a_billion_and_more_are_in_scientific_notation(vt: str) -> None:
    text = jsontext.dumps(balance_of(vt))
    assert re.search(r'"assetType":"BOND","assetName":"[^"]+","qty":[123]\.0E9,', text)
    assert re.search(r'"totalAccVal":\d\.\d+E(9|10),', text)
    assert re.search(r'"valueAtCur":\d\.\d+E(9|10),', text)
    assert '"subsMargin":0.0,' in text
    opened = data.opening_date(vt).strftime("%Y%m%d")
    rows = jsontext.dumps(transactions_of(transaction_request(opened, opened, vt=vt, count=5)))
    assert re.search(r'"transType":"DEP","isinCode":"CASH","changeAmt":\d\.\d+E9,', rows)
    assert re.search(r'"changeQty":[123]\.0E9,"qty":[123]\.0E9\}', rows)
    assert re.search(r'"changeAmt":-\d{7,8},', rows)  # below 1e9: plain digits


def test_etc_items_have_no_isin_code_and_balance_etc_items_no_pro_loss() -> None:
    balance_items = balance_of()["balanceList"]["balance"]["etcList"]
    portfolio_items = portfolio_of()["portfolioList"]["portfolio"]["etcList"]
    assert balance_items and portfolio_items
    assert all("isinCode" not in i and "proLoss" not in i for i in balance_items)
    assert all("valueAtCur" in i and "valAtCur" not in i for i in balance_items)
    assert all("isinCode" not in i for i in portfolio_items)


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS)
def test_only_domestic_funds_carry_fund_type_and_a_fund_bought_once_says_null(vt: str) -> None:
    funds = balance_of(vt)["balanceList"]["balance"]["fundList"]
    domestic = [f for f in funds if "fundType" in f]
    overseas = [f for f in funds if "fundType" not in f]
    assert [f["fundType"] for f in domestic] == ["02"]
    assert len(overseas) == 1
    assert overseas[0]["lastDateBuy"] == "null"
    assert re.fullmatch(r"\d{8}", overseas[0]["firstDateBuy"])
    for fund in funds:
        assert "valAtCur" in fund and "valueAtCur" not in fund
        assert len(fund["fundName"].encode("cp949")) <= 30
        assert fund["maturity"] == "00000000" or re.fullmatch(r"20\d{6}", fund["maturity"])


def test_families_an_account_does_not_hold_are_left_out() -> None:
    balance = balance_of(EMPTY, "empty")["balanceList"]["balance"]
    assert list(balance) == ["summary"]
    assert balance["summary"]["valueAtCur"] == 0
    portfolio = portfolio_of(EMPTY, "empty")["portfolioList"]["portfolio"]
    assert list(portfolio) == ["cash"]
    assert portfolio["cash"]["amt"] == 100
    equities_only = portfolio_of(asset_type="EQTY", count=5)["portfolioList"]["portfolio"]
    assert list(equities_only) == ["equityList"]
    cash_only = balance_of(asset_type="CASH")
    assert list(cash_only["balanceList"]["balance"]) == ["summary"]
    assert cash_only["balanceResponseBody"]["queryResult"]["page"] == "null"
    empty_family = balance_of(EMPTY, "empty", asset_type="EQTY")["balanceList"]["balance"]
    assert empty_family["equityList"] == []


def test_a_transaction_page_without_rows_has_no_trans_list() -> None:
    answer = transactions_of(transaction_request("20200101", "20200131"))
    assert "transList" not in answer
    assert answer["transactionHistoryResponseBody"]["queryResult"] == {
        "count": 0,
        "page": "null",
        "totalCnt": 0,
    }
    assert list(answer) == [
        "commonHeader",
        "accInfo",
        "transactionHistoryResponseBody",
        "resp",
    ]


def test_receivable_is_json_null_in_every_balance_answer() -> None:
    for vt, profile in ((VT, "default"), (LARGE, "large"), (EMPTY, "empty")):
        answer = balance_of(vt, profile, asset_type="CASH")
        assert answer["balanceList"]["balance"]["summary"]["receivable"] is None
        assert '"receivable":null,' in jsontext.dumps(answer)


def test_blank_strings_product_type_broker_cash_moves_and_the_etf_group() -> None:
    equities = balance_of()["balanceList"]["balance"]["equityList"]
    assert {e["productType"] for e in equities} == {""}
    rows = transactions_of(transaction_request(count=100))["transList"]["transaction"]
    codes = {(r["transType"], r["isinCode"]) for r in rows}
    assert ("ETC", "") in codes and ("DEP", "CASH") in codes
    assert not any(t in ("DEP", "WID") and c != "CASH" for t, c in codes)
    groups = render_interest(interest_request(), data.watchlist(VT))
    by_name = {
        g["groupName"]: g for g in groups["interestSymbolListResponseBody"]["groupList"]["group"]
    }
    assert by_name["ETF"]["modifyDate"] == ""
    assert re.fullmatch(r"\d{8}", by_name["관심종목00"]["modifyDate"])


def test_the_last_page_of_transactions_says_null_and_pages_cover_every_row() -> None:
    request = transaction_request(count=7)
    answer = transactions_of(request)
    total = answer["transactionHistoryResponseBody"]["queryResult"]["totalCnt"]
    rows = list(answer["transList"]["transaction"])
    while (key := answer["transactionHistoryResponseBody"]["queryResult"]["page"]) != "null":
        request["transactionHistoryRequestBody"]["queryParams"]["page"] = key
        answer = transactions_of(request)
        rows += answer["transList"]["transaction"]
    assert len(rows) == total > 7
    query = parse_transaction_query(request)
    expected = data.transactions_between(VT, "default", query.from_date, query.to_date)
    assert [r["changeAmt"] for r in rows] == [t.change_amt for t in expected]


# --- refusals -----------------------------------------------------------------------------


def refusal(call: Any) -> RequestError:
    with pytest.raises(RequestError) as caught:
        call()
    return caught.value


def test_requests_the_platform_would_refuse_raise_its_codes() -> None:
    s = snapshot()
    cases = [
        (6001, lambda: render_balance(balance_request("STK"), s, secret=SECRET)),
        (6001, lambda: render_balance(balance_request(), s, secret=SECRET, allow_all=False)),
        (6002, lambda: render_portfolio(portfolio_request(rsp_type="XYZ"), s, secret=SECRET)),
        (
            6002,
            lambda: render_portfolio(
                portfolio_request(rsp_type="QTY"), s, secret=SECRET, allow_qty=False
            ),
        ),
        (6003, lambda: balance_of(asset_type="EQTY", page="201603100000000961")),
        (6006, lambda: parse_transaction_query(transaction_request(), max_days=90)),
        (6007, lambda: transactions_of(transaction_request(isin="KR7-0059"))),
        (6008, lambda: transactions_of(transaction_request(side="BUY"))),
        (3011, lambda: transactions_of(transaction_request("2026-01-01"))),
        (3011, lambda: transactions_of(transaction_request("20261121", "20260101"))),
        (3011, lambda: balance_of(asset_type="EQTY", count=-1)),
        (3011, lambda: balance_of(asset_type="EQTY", count="many")),
        (3011, lambda: render_balance(envelope("balanceRequestBody", {}), s, secret=SECRET)),
    ]
    for code, call in cases:
        assert refusal(call).code == code


def test_error_bodies_have_the_platforms_four_fields() -> None:
    assert error_body(9011, "invalid virtual account number.") == {
        "category": "op-exco",
        "code": 9011,
        "message": "invalid virtual account number.",
        "description": "",
    }
    error = refusal(lambda: transactions_of(transaction_request(side="BUY")))
    assert error.body() == {
        "category": "op-exco",
        "code": 6008,
        "message": "invalid side: BUY",
        "description": "",
    }
    assert error.status == 500
    assert error_body(2001, "auth failed", category="op-auth")["category"] == "op-auth"


def test_counts_may_come_as_strings_and_are_capped() -> None:
    answer = balance_of(LARGE, "large", asset_type="EQTY", count="500")
    assert len(answer["balanceList"]["balance"]["equityList"]) == 100
    answer = balance_of(LARGE, "large", asset_type="EQTY", count="")
    assert len(answer["balanceList"]["balance"]["equityList"]) == 20


def test_rendering_another_accounts_snapshot_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        render_balance(balance_request(vt=LARGE), snapshot(), secret=SECRET)
