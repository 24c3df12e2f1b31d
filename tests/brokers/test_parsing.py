"""The seed payloads parse into exactly the records they describe, and each quirk is absorbed."""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from brokers.errors import ACCOUNT_GONE, REAUTH_REQUIRED, TRANSIENT, ParseError, PlatformError
from brokers.openplatform.parsing.answer import loads, parse_resp_code
from brokers.openplatform.parsing.holdings import parse_balance, parse_portfolio
from brokers.openplatform.parsing.interest import parse_interest
from brokers.openplatform.parsing.member import parse_consent_search, parse_register_search
from brokers.openplatform.parsing.transactions import parse_transactions
from brokers.records import (
    BalanceSummary,
    EquityHolding,
    FundHolding,
    LinkedAccount,
    OtherHolding,
    PageInfo,
    PortfolioEquity,
    PortfolioFund,
    PortfolioOther,
    Transaction,
    WatchGroup,
)
from tests.brokers.payloads.balance import BALANCE_REQUEST, BALANCE_RESPONSE
from tests.brokers.payloads.interest import INTEREST_REQUEST, INTEREST_RESPONSE
from tests.brokers.payloads.member import (
    CONSENT_RESPONSE,
    REGISTER_MEMBER_RESPONSE,
    REGISTER_NON_MEMBER_RESPONSE,
)
from tests.brokers.payloads.portfolio import PORTFOLIO_REQUEST, PORTFOLIO_RESPONSE
from tests.brokers.payloads.transactions import TRANSACTION_REQUEST, TRANSACTION_RESPONSE

D = Decimal
# The seed document the payloads were copied from, itself kept verbatim next to this test.
SEED_000 = Path(__file__).resolve().parent / "seeds" / "000_7e29b89efef9fd7b.txt"


def balance_with(**summary: object) -> dict:
    """The seed balance answer with its summary replaced."""
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["summary"] = summary
    return d


def transactions_with(*rows: dict, **result: object) -> dict:
    """The seed transaction answer with the given rows (and queryResult fields)."""
    d = loads(TRANSACTION_RESPONSE)
    d["transList"]["transaction"] = list(rows)
    d["transactionHistoryResponseBody"]["queryResult"].update(result)
    return d


def a_row(**fields: object) -> dict:
    row = {"transDate": "20240105", "transType": "DEP", "isinCode": "", "changeAmt": 1000}
    row.update(fields)
    return row


# --- the seeds, verbatim -------------------------------------------------------------------


def test_seed_payloads_are_verbatim_copies_of_the_seed_document():
    seed = SEED_000.read_text(encoding="utf-8")
    for name, text in {
        "PORTFOLIO_RESPONSE": PORTFOLIO_RESPONSE,
        "BALANCE_RESPONSE": BALANCE_RESPONSE,
        "TRANSACTION_RESPONSE": TRANSACTION_RESPONSE,
        "INTEREST_RESPONSE": INTEREST_RESPONSE,
        "PORTFOLIO_REQUEST": PORTFOLIO_REQUEST,
        "BALANCE_REQUEST": BALANCE_REQUEST,
        "TRANSACTION_REQUEST": TRANSACTION_REQUEST,
        "INTEREST_REQUEST": INTEREST_REQUEST,
    }.items():
        assert text in seed, name


def test_loads_keeps_every_seed_number_exact_and_float_free():
    def walk(value: object) -> list[object]:
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in walk(item)]
        if isinstance(value, list):
            return [leaf for item in value for leaf in walk(item)]
        return [value]

    leaves = walk(loads(BALANCE_RESPONSE))
    assert not any(isinstance(leaf, float) for leaf in leaves)
    assert D("3.69827563509E11") in leaves


# --- common APIs ---------------------------------------------------------------------------


def test_register_search_tells_members_from_non_members():
    assert parse_register_search(loads(REGISTER_MEMBER_RESPONSE)) is True
    assert parse_register_search(loads(REGISTER_NON_MEMBER_RESPONSE)) is False


@pytest.mark.parametrize("result", ["", "null", None, "maybe", 1])
def test_register_search_refuses_an_answer_that_is_neither_member_nor_non_member(result):
    with pytest.raises(ParseError):
        parse_register_search({"result": result})


def test_register_search_refuses_a_missing_result():
    with pytest.raises(ParseError):
        parse_register_search({})


def test_consent_search_strips_the_leading_space_of_the_broker_code():
    assert parse_consent_search(loads(CONSENT_RESPONSE)) == (
        LinkedAccount(broker_code="00002", vt_acc_no="160657695589800099", alias="주식투자용"),
    )


@pytest.mark.parametrize(
    "answer", [{}, {"vtAccList": None}, {"vtAccList": "null"}, {"vtAccList": []}]
)
def test_consent_search_with_no_list_means_no_linked_account(answer):
    assert parse_consent_search(answer) == ()


def test_consent_search_pads_a_broker_code_sent_as_a_number():
    (account,) = parse_consent_search({"vtAccList": [{"comId": 30, "vtAccNo": " 1600 "}]})
    assert account == LinkedAccount(broker_code="00030", vt_acc_no="1600", alias=None)


@pytest.mark.parametrize(
    "item",
    [
        {"comId": "00002"},
        {"comId": "00002", "vtAccNo": ""},
        {"comId": "00002", "vtAccNo": "null"},
        {"vtAccNo": "160657695589800099"},
        {"comId": "SHINH", "vtAccNo": "160657695589800099"},
        {"comId": "000002", "vtAccNo": "160657695589800099"},
        {"comId": "00002", "vtAccNo": "1" * 31},
    ],
)
def test_consent_search_refuses_an_account_without_a_usable_identity(item):
    with pytest.raises(ParseError):
        parse_consent_search({"vtAccList": [item]})


def test_consent_search_refuses_a_list_item_that_is_not_an_object():
    with pytest.raises(ParseError):
        parse_consent_search({"vtAccList": ["160657695589800099"]})


# --- balance ------------------------------------------------------------------------------


def test_balance_seed_parses_scientific_notation_exactly():
    summary = parse_balance(loads(BALANCE_RESPONSE)).summary
    assert summary == BalanceSummary(
        cash_balance=D("6976542"),
        d1=D("6976542"),
        d2=D("6976542"),
        substitute=D("98163580"),
        receivable=D("0"),
        subs_margin=D("762635"),
        loan_credit=D("0"),
        val_at_trade=D("369827563509"),
        value_at_cur=D("389165300498"),
        pro_loss=D("19337736989"),
        total_acc_val=D("389172277040"),
        cash_av_withdraw=D("6976542"),
    )


def test_balance_amounts_come_out_as_plain_digits_not_exponents():
    summary = parse_balance(loads(BALANCE_RESPONSE)).summary
    assert str(summary.val_at_trade) == "369827563509"
    assert str(summary.cash_balance) == "6976542"


def test_balance_seed_equities_are_read_in_order_with_their_values():
    equities = parse_balance(loads(BALANCE_RESPONSE)).equities
    assert [e.isin for e in equities] == [
        "HK0000050325",
        "HK0000054723",
        "KR7000020008",
        "USU652221081",
    ]
    assert equities[1] == EquityHolding(
        asset_type="KDQ",
        product_type=None,
        isin="HK0000054723",
        name=None,
        qty=D("1186"),
        trade_type="SUM",
        val_at_trade=D("2326871"),
        val_at_cur=D("1867950"),
        pro_loss=D("-458921"),
        earning_rate=D("-19.72"),
    )


def test_balance_seed_funds_have_dates_and_no_maturity_for_eight_zeros():
    funds = parse_balance(loads(BALANCE_RESPONSE)).funds
    assert len(funds) == 3
    assert funds[0] == FundHolding(
        fund_type=None,
        fund_code="KRZ500395135",
        fund_name="삼성중소형FOCUS증권자1호[주식]",
        val_at_trade=D("0"),
        val_at_cur=D("72329965"),
        pro_loss=D("72329965"),
        first_date_buy=datetime.date(2016, 1, 12),
        last_date_buy=datetime.date(2016, 1, 13),
        maturity=None,
        earning_rate=D("-9.58"),
    )
    assert funds[2].fund_name == "메리츠코리아증권투자신탁1호[주"
    assert funds[2].first_date_buy == datetime.date(2015, 8, 18)


def test_balance_seed_other_assets_take_their_valuation_from_value_at_cur():
    others = parse_balance(loads(BALANCE_RESPONSE)).others
    assert len(others) == 13
    assert others[0] == OtherHolding(
        asset_type="BOND",
        name="국민주택1종11-07",
        isin=None,
        qty=D("10000000000"),
        trade_type="SUM",
        val_at_trade=D("9438000000"),
        val_at_cur=D("11584000000"),
        earning_rate=D("22.73"),
    )
    assert others[5].val_at_cur == D("55409400000")  # 5.54094E10
    assert others[7].val_at_trade == D("991452055")  # 9.91452055E8
    assert [o.asset_type for o in others].count("CP") == 6


def test_balance_seed_page_has_float_looking_counts_as_ints_and_no_next_page():
    page = parse_balance(loads(BALANCE_RESPONSE)).page
    assert page == PageInfo(total_count=157, count=157, next_page=None)
    assert type(page.total_count) is int


def test_balance_summary_is_the_truth_and_not_the_sum_of_the_lists():
    # The seed's lists are far smaller than its summary; the parser must not reconcile them.
    balance = parse_balance(loads(BALANCE_RESPONSE))
    listed = sum(e.val_at_cur for e in balance.equities) + sum(o.val_at_cur for o in balance.others)
    assert balance.summary.value_at_cur == D("389165300498")
    assert listed != balance.summary.value_at_cur


def test_balance_other_asset_falls_back_to_val_at_cur_when_value_at_cur_is_absent():
    d = loads(BALANCE_RESPONSE)
    row = d["balanceList"]["balance"]["etcList"][0]
    row["valAtCur"] = row.pop("valueAtCur")
    assert parse_balance(d).others[0].val_at_cur == D("11584000000")


def test_balance_equity_falls_back_to_value_at_cur_when_val_at_cur_is_absent():
    d = loads(BALANCE_RESPONSE)
    row = d["balanceList"]["balance"]["equityList"][0]
    row["valueAtCur"] = row.pop("valAtCur")
    assert parse_balance(d).equities[0].val_at_cur == D("245400")


@pytest.mark.parametrize("no_value", [None, "null", "NULL", "", "   "])
def test_balance_summary_field_with_no_value_is_none(no_value):
    summary = parse_balance(balance_with(cashBalance=no_value, d1="1.0E10")).summary
    assert summary.cash_balance is None
    assert summary.d1 == D("10000000000")


def test_balance_summary_with_no_values_at_all_is_no_summary():
    assert parse_balance(balance_with(cashBalance="null", d1="")).summary is None


def test_balance_with_no_list_blocks_is_an_empty_page():
    page = parse_balance({"resp": {"respCode": "200", "respMsg": "OK"}})
    assert (page.summary, page.equities, page.funds, page.others) == (None, (), (), ())
    assert page.page == PageInfo(None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123", D("123")),
        (" -5 ", D("-5")),
        ("3.69827563509E11", D("369827563509")),
        ("1.0E10", D("10000000000")),
        ("9.91452055E8", D("991452055")),
        ("-12.90", D("-12.9")),
        ("1E-2", D("0.01")),
        ("-0.0", D("0")),
        (99999999999999999999, D("99999999999999999999")),
        (D("7.2329965E7"), D("72329965")),
    ],
)
def test_balance_amounts_accept_numeric_strings_and_scientific_notation(text, expected):
    summary = parse_balance(balance_with(cashBalance=text)).summary
    assert summary.cash_balance == expected
    assert summary.cash_balance.as_tuple().exponent <= 0


@pytest.mark.parametrize(
    "bad",
    ["NaN", "Infinity", "-inf", "1,234", "12원", "abc", "1_000", "١٢", True, 1.5, [], {}],
)
def test_balance_amounts_refuse_what_is_not_a_number(bad):
    with pytest.raises(ParseError):
        parse_balance(balance_with(cashBalance=bad))


@pytest.mark.parametrize("huge", [D("1E+20"), "1E+30", -(10**20), D("-1E+400")])
def test_balance_amounts_refuse_magnitudes_no_account_can_hold(huge):
    with pytest.raises(ParseError):
        parse_balance(balance_with(cashBalance=huge))


def test_parse_error_names_the_field_but_never_the_value():
    with pytest.raises(ParseError) as raised:
        parse_balance(balance_with(cashBalance="160657695589800099-secret"))
    assert "balanceList.balance.summary.cashBalance" in str(raised.value)
    assert "secret" not in str(raised.value)
    assert raised.value.path == "balanceList.balance.summary.cashBalance"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("balanceResponseBody", "OK"),
        ("balanceResponseBody", ["queryResult"]),
        ("balanceList", "none"),
        ("balanceList", []),
    ],
)
def test_balance_refuses_a_block_that_is_not_an_object(where, value):
    d = loads(BALANCE_RESPONSE)
    d[where] = value
    with pytest.raises(ParseError):
        parse_balance(d)


def test_balance_refuses_the_whole_page_when_one_list_item_is_not_an_object():
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["etcList"].append("BOND")
    with pytest.raises(ParseError):
        parse_balance(d)


def test_balance_refuses_an_equity_without_an_isin():
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["equityList"][2]["isinCode"] = " "
    with pytest.raises(ParseError):
        parse_balance(d)


def test_balance_takes_a_lone_object_as_a_list_of_one():
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["equityList"] = d["balanceList"]["balance"]["equityList"][0]
    assert [e.isin for e in parse_balance(d).equities] == ["HK0000050325"]


def test_balance_skips_list_entries_with_no_value():
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["fundList"][1:1] = [None, "null", ""]
    assert len(parse_balance(d).funds) == 3


def test_balance_reads_the_page_from_query_request_as_well():
    d = loads(BALANCE_RESPONSE)
    body = d["balanceResponseBody"]
    body["queryRequest"] = {"totalCnt": "40", "count": " 20 ", "page": " 00020 "}
    del body["queryResult"]
    assert parse_balance(d).page == PageInfo(total_count=40, count=20, next_page="00020")


@pytest.mark.parametrize("count", ["1.5", "-1", D("2.5")])
def test_balance_refuses_a_count_that_is_not_a_whole_number(count):
    d = loads(BALANCE_RESPONSE)
    d["balanceResponseBody"]["queryResult"]["count"] = count
    with pytest.raises(ParseError):
        parse_balance(d)


def test_balance_ignores_unknown_extra_fields():
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["summary"]["newField"] = {"nested": [1, 2]}
    d["somethingNew"] = "x"
    assert parse_balance(d).summary.cash_balance == D("6976542")


# --- portfolio ----------------------------------------------------------------------------


def test_portfolio_seed_parses_weights_rates_and_cash():
    page = parse_portfolio(loads(PORTFOLIO_RESPONSE))
    assert page.cash_amt == D("6976542")
    assert page.page == PageInfo(total_count=157, count=157, next_page=None)
    assert page.equities[3] == PortfolioEquity(
        asset_type="KSP", isin="KR7000270009", weight=D("1"), earning_rate=D("-3.97")
    )
    assert [e.weight for e in page.equities] == [D(0), D(0), D(0), D(1), D(0)]
    assert page.funds[2] == PortfolioFund(
        fund_code="KRZ501130561",
        fund_name="미래에셋고배당포커스증권자1호(",
        weight=D("5"),
        earning_rate=D("-6.32"),
        maturity=None,
    )
    assert len(page.others) == 8
    assert page.others[3] == PortfolioOther(
        asset_type="DLS",
        name="우리투자증권(DLS)1120",
        isin=None,
        weight=D("14"),
        earning_rate=D("2.61"),
    )
    assert page.others[7].name == "루카스 20131227-89-15"


def test_portfolio_without_cash_block_has_no_cash_amount():
    d = loads(PORTFOLIO_RESPONSE)
    del d["portfolioList"]["portfolio"]["cash"]
    assert parse_portfolio(d).cash_amt is None


# --- transactions -------------------------------------------------------------------------


def test_transaction_seed_parses_rows_page_and_window():
    page = parse_transactions(loads(TRANSACTION_RESPONSE))
    assert page.page == PageInfo(total_count=120, count=30, next_page="201603100000000961")
    assert (page.from_date, page.to_date) == (datetime.date(2016, 1, 1), datetime.date(2016, 7, 20))
    assert [t.type for t in page.transactions] == ["DEP", "ASK", "DEP", "ETC", "BID", "WID", "WID"]
    assert page.transactions[1] == Transaction(
        date=datetime.date(2016, 1, 26),
        type="ASK",
        isin="NC30010",
        change_amt=D("-14399400"),
        change_qty=D("0"),
        qty_after=D("0"),
    )
    assert page.transactions[0].isin is None
    assert page.transactions[6].change_amt == D("-10500")


def test_transaction_rows_that_look_identical_stay_two_rows():
    row = a_row(changeAmt=-10000, transType="WID")
    page = parse_transactions(transactions_with(row, dict(row)))
    assert len(page.transactions) == 2
    assert page.transactions[0] == page.transactions[1]


@pytest.mark.parametrize("page_key", ["null", "NULL", "", " ", None])
def test_transaction_page_with_no_key_means_no_more_pages(page_key):
    assert parse_transactions(transactions_with(a_row(), page=page_key)).page.next_page is None


def test_transaction_page_with_a_missing_key_means_no_more_pages():
    d = transactions_with(a_row())
    del d["transactionHistoryResponseBody"]["queryResult"]["page"]
    assert parse_transactions(d).page.next_page is None


def test_transaction_page_key_sent_as_a_number_keeps_every_digit():
    d = transactions_with(a_row(), page=201603100000000961)
    assert parse_transactions(d).page.next_page == "201603100000000961"


def test_transaction_string_counts_become_ints():
    page = parse_transactions(transactions_with(a_row(), count="30", totalCnt=" 120 ")).page
    assert (page.count, page.total_count) == (30, 120)


def test_transaction_echo_may_be_spelled_query_prams():
    d = loads(TRANSACTION_RESPONSE)
    body = d["transactionHistoryResponseBody"]
    body["queryPrams"] = body.pop("queryParams")
    body["queryRequest"] = body.pop("queryResult")
    page = parse_transactions(d)
    assert page.from_date == datetime.date(2016, 1, 1)
    assert page.page.next_page == "201603100000000961"


@pytest.mark.parametrize("isin", ["", "CASH", " cash ", None, "null"])
def test_transaction_cash_moves_have_no_isin(isin):
    (row,) = parse_transactions(transactions_with(a_row(isinCode=isin))).transactions
    assert row.isin is None


def test_transaction_codes_are_stripped_and_upper_cased():
    row = a_row(transType=" wid ", isinCode=" KR7005930003 ", changeAmt="-1.05E5")
    (parsed,) = parse_transactions(transactions_with(row)).transactions
    assert (parsed.type, parsed.isin, parsed.change_amt) == ("WID", "KR7005930003", D("-105000"))


@pytest.mark.parametrize(
    "row",
    [
        a_row(transDate=""),
        a_row(transDate="null"),
        a_row(transDate="2016-01-26"),
        a_row(transDate="20160231"),
        a_row(transDate="00000000"),
        a_row(transType=""),
        a_row(transType=None),
        a_row(changeAmt="Infinity"),
    ],
)
def test_transaction_refuses_a_row_it_cannot_understand(row):
    with pytest.raises(ParseError):
        parse_transactions(transactions_with(a_row(), row))


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


# --- resp block and failures reported inside a 200 answer -----------------------------------


def test_resp_code_200_is_success():
    parse_resp_code({"resp": {"respCode": " 200 ", "respMsg": "OK"}})
    parse_resp_code({"resp": {"respCode": 200}})
    parse_resp_code({})


def test_resp_code_with_a_platform_code_raises_the_mapped_error():
    d = loads(BALANCE_RESPONSE)
    d["resp"] = {"respCode": "3009", "respMsg": "계좌가 존재하지 않습니다"}
    with pytest.raises(PlatformError) as raised:
        parse_balance(d)
    assert not isinstance(raised.value, ParseError)
    assert (raised.value.kind, raised.value.code, raised.value.permanent) == (
        ACCOUNT_GONE,
        3009,
        True,
    )


def test_resp_code_that_is_an_http_status_is_mapped_as_that_status():
    with pytest.raises(PlatformError) as raised:
        parse_resp_code({"resp": {"respCode": "401", "respMsg": "Unauthorized"}})
    assert (raised.value.kind, raised.value.http_status) == (REAUTH_REQUIRED, 401)


def test_resp_code_unknown_is_a_bounded_transient_failure():
    with pytest.raises(PlatformError) as raised:
        parse_resp_code({"resp": {"respCode": "E999", "respMsg": "?"}})
    assert (raised.value.kind, raised.value.permanent) == (TRANSIENT, False)


def test_resp_block_that_is_not_an_object_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_resp_code({"resp": "OK"})


# --- loads --------------------------------------------------------------------------------


def test_loads_accepts_bytes_and_returns_decimals_for_fractions():
    d = loads('{"a": 1.5, "b": 2, "c": "주식투자용"}'.encode())
    assert d == {"a": D("1.5"), "b": 2, "c": "주식투자용"}
    assert isinstance(d["a"], Decimal)


@pytest.mark.parametrize(
    "raw",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": -Infinity}',
        "not json",
        "<html>502 Bad Gateway</html>",
        "",
        "[1, 2]",
        '"text"',
        "null",
        b"\xff\xfe\x00",
        '{"a": ' + "9" * 5000 + "}",
        "[" * 100_000,
    ],
)
def test_loads_refuses_what_is_not_a_json_object_of_finite_numbers(raw):
    with pytest.raises(ParseError):
        loads(raw)


def test_loads_refuses_a_value_that_is_not_text():
    with pytest.raises(ParseError):
        loads(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "parser",
    [parse_balance, parse_portfolio, parse_transactions, parse_interest, parse_consent_search],
)
@pytest.mark.parametrize("answer", [None, [], "text", 3])
def test_every_parser_refuses_an_answer_that_is_not_an_object(parser, answer):
    with pytest.raises(ParseError):
        parser(answer)


def test_parsers_do_not_accept_floats_so_bodies_must_go_through_loads():
    with pytest.raises(ParseError):
        parse_balance(json.loads(BALANCE_RESPONSE))


# --- records ------------------------------------------------------------------------------


def test_records_are_frozen_and_hold_tuples():
    page = parse_balance(loads(BALANCE_RESPONSE))
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.summary.cash_balance = D(0)  # type: ignore[misc]
    assert isinstance(page.equities, tuple)
    assert hash(page.page) == hash(PageInfo(157, 157, None))
