"""The transaction answer parses into exactly the rows and page it describes, quirks absorbed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from brokers.errors import ParseError
from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.transactions import parse_transactions
from brokers.records import (
    PageInfo,
    Transaction,
)
from tests.brokers.payloads.transactions import TRANSACTION_RESPONSE

D = Decimal


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
