"""The balance answer parses into exactly the records it describes, and each quirk is absorbed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from brokers.errors import ParseError
from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.holdings import parse_balance
from brokers.records import (
    BalanceSummary,
    EquityHolding,
    FundHolding,
    OtherHolding,
    PageInfo,
)
from tests.brokers.payloads.balance import BALANCE_RESPONSE

D = Decimal


def balance_with(**summary: object) -> dict:
    """The seed balance answer with its summary replaced."""
    d = loads(BALANCE_RESPONSE)
    d["balanceList"]["balance"]["summary"] = summary
    return d


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
