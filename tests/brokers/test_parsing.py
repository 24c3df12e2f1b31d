"""The seed payloads are verbatim; the member APIs, the result code, the JSON text and records."""

from __future__ import annotations

import dataclasses
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
    LinkedAccount,
    PageInfo,
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
