"""The live sandbox answers the seeds' request examples in the seeds' shapes, with every quirk
docs/upstream.md lists, and refuses what the platform refuses with the platform's errors.

The request examples are posted verbatim (the text of ``seed_shapes``, copied from
``seeds/000_…``). The seed's transaction example asks for 2016, before any sandbox account was
opened, so its verbatim answer is the empty page; the same request with the dates moved into the
account's history checks the rows' shape.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from brokers.sandbox import data
from brokers.sandbox.identity import SEED_CI, ci_for
from tests.sandbox import seed_shapes
from tests.sandbox_server import sandbox_today

BALANCE_ACCOUNT = "160678007213500001"  # the seed's balance and portfolio account (diamond)
HISTORY_ACCOUNT = "160731060768600001"  # the seed's transaction and interest account (diamond)
CYBER_ACCOUNT = "160812345678900001"
STAR_ACCOUNT = "160923456789000001"
EXPIRED_ACCOUNT = "161034567890100001"  # park's, consent expired


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, list items merged: ``a.b[].c``."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, prefix + "[]")
    return paths


def numbers_in(text: str, key: str) -> list[str]:
    """The literal texts of the numbers written for ``key`` in a JSON answer."""
    return re.findall(rf'"{key}":(-?[0-9][0-9.E-]*)', text)


@pytest.fixture(scope="module")
def hong_token(live_sandbox) -> str:
    return live_sandbox.tokens_for("hong")["access_token"]


def post_verbatim(sandbox, broker: str, service: str, text: str, token: str):
    answer = sandbox.account_search(broker, service, text, token=token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    return answer


# --- The seeds' examples, verbatim --------------------------------------------------------------


def test_the_seed_portfolio_request_gets_the_seed_portfolio_shape(sandbox, hong_token):
    answer = post_verbatim(
        sandbox, "diamond", "portfolio", seed_shapes.PORTFOLIO_REQUEST, hong_token
    )
    live, seed = loads(answer.text), loads(seed_shapes.PORTFOLIO_RESPONSE)

    assert key_paths(seed) <= key_paths(live)
    assert list(live) == list(seed)  # resp comes before portfolioList, as in the seed
    assert live["portfolioResponseBody"]["queryType"] == {
        "assetType": "ALL",
        "rspType": "RAT",
        "count": "0",
        "page": "null",
    }
    # The request's ci had no leading space; the echo has one, as in the seed.
    assert live["commonHeader"]["ci"] == " " + SEED_CI
    assert live["accInfo"] == {"realAccNo": "", "vtAccNo": BALANCE_ACCOUNT}


def test_the_seed_balance_request_gets_the_seed_balance_shape(sandbox, hong_token):
    answer = post_verbatim(sandbox, "diamond", "balance", seed_shapes.BALANCE_REQUEST, hong_token)
    live, seed = loads(answer.text), loads(seed_shapes.BALANCE_RESPONSE)

    assert key_paths(seed) <= key_paths(live)
    assert list(live) == list(seed)
    assert live["commonHeader"]["reqIdConsumer"] == " ID00002"
    assert live["commonHeader"]["certDn"] == ""
    assert live["resp"] == {"respCode": "200", "respMsg": "OK"}


def test_the_seed_transaction_request_gets_the_seed_envelope_and_an_empty_2016(sandbox, hong_token):
    answer = post_verbatim(
        sandbox, "diamond", "transaction", seed_shapes.TRANSACTION_REQUEST, hong_token
    )
    live, seed = loads(answer.text), loads(seed_shapes.TRANSACTION_RESPONSE)

    without_rows = {path for path in key_paths(seed) if not path.startswith("transList")}
    assert without_rows <= key_paths(live)
    assert "transList" not in live  # no rows: the block is absent, not empty
    assert live["transactionHistoryResponseBody"]["queryParams"] == {
        "fromDate": "20160101",
        "toDate": "20160720",
        "isinCode": "",
        "side": "",
        "count": 30,
        "page": "",
    }
    assert live["transactionHistoryResponseBody"]["queryResult"] == {
        "count": 0,
        "page": "null",
        "totalCnt": 0,
    }


def test_the_seed_transaction_request_in_the_accounts_history_gets_the_seed_rows(
    sandbox, hong_token
):
    opened = data.opening_date(HISTORY_ACCOUNT)
    text = seed_shapes.TRANSACTION_REQUEST.replace("20160101", opened.strftime("%Y%m%d"))
    text = text.replace("20160720", (opened + timedelta(days=200)).strftime("%Y%m%d"))
    answer = post_verbatim(sandbox, "diamond", "transaction", text, hong_token)
    live, seed = loads(answer.text), loads(seed_shapes.TRANSACTION_RESPONSE)

    assert key_paths(seed) <= key_paths(live)
    assert list(live) == list(seed)
    result = live["transactionHistoryResponseBody"]["queryResult"]
    assert result["count"] == 30 == len(live["transList"]["transaction"])
    assert result["totalCnt"] > 30
    assert result["page"] != "null"


def test_the_seed_interest_request_gets_the_seed_interest_shape(sandbox, hong_token):
    answer = post_verbatim(sandbox, "diamond", "interest", seed_shapes.INTEREST_REQUEST, hong_token)
    live, seed = loads(answer.text), loads(seed_shapes.INTEREST_RESPONSE)

    assert key_paths(seed) <= key_paths(live)
    assert list(live) == list(seed)
    groups = live["interestSymbolListResponseBody"]["groupList"]["group"]
    assert list(groups[0]) == ["isinCode", "groupName", "modifyDate"]
    # Quirk "": the ETF group carries an empty modifyDate.
    assert next(g for g in groups if g["groupName"] == "ETF")["modifyDate"] == ""


# --- Every quirk, in live answers ----------------------------------------------------------------


def test_balance_answers_carry_the_missing_null_and_string_null_quirks(sandbox, hong_token):
    text = post_verbatim(
        sandbox, "diamond", "balance", seed_shapes.BALANCE_REQUEST, hong_token
    ).text
    balance = loads(text)["balanceList"]["balance"]

    assert balance["summary"]["receivable"] is None  # JSON null
    assert '"receivable":null' in text
    assert all("isinCode" not in item for item in balance["etcList"])  # field missing
    assert all("proLoss" not in item for item in balance["etcList"])
    overseas = [f for f in balance["fundList"] if "fundType" not in f]
    assert overseas, "an overseas fund comes without fundType"
    assert overseas[0]["lastDateBuy"] == "null"  # the string "null"
    assert all(item["productType"] == "" for item in balance["equityList"])  # ""
    assert loads(text)["balanceResponseBody"]["queryResult"]["page"] == "null"


def test_amounts_of_a_billion_and_more_are_written_in_scientific_notation(sandbox, hong_token):
    text = post_verbatim(
        sandbox, "diamond", "balance", seed_shapes.BALANCE_REQUEST, hong_token
    ).text

    written = numbers_in(text, "valueAtCur") + numbers_in(text, "totalAccVal")
    large = [literal for literal in written if Decimal(literal) >= Decimal("1E9")]
    assert large and all(re.fullmatch(r"-?[0-9]\.[0-9]+E[0-9]+", x) for x in large)
    bonds = [x for x in numbers_in(text, "qty") if "E9" in x]
    assert bonds, "the bond's face value is written like 1.0E9"
    every_number = re.findall(r":(-?[0-9][0-9.]*(?:E[0-9]+)?)[,}]", text)
    assert all("E" in x for x in every_number if abs(Decimal(x)) >= Decimal("1E9"))


def test_counts_come_as_strings_and_doubles(sandbox, hong_token):
    text = post_verbatim(
        sandbox, "diamond", "balance", seed_shapes.BALANCE_REQUEST, hong_token
    ).text
    body = loads(text)["balanceResponseBody"]

    assert body["queryType"]["count"] == "0"  # the request's 0, echoed as a string
    assert re.search(r'"totalCnt":[0-9]+\.0,', text)
    assert "queryRequest" not in text and "queryResult" in body


def test_equities_say_valAtCur_and_other_products_say_valueAtCur(sandbox, hong_token):
    answer = post_verbatim(sandbox, "diamond", "balance", seed_shapes.BALANCE_REQUEST, hong_token)
    balance = loads(answer.text)["balanceList"]["balance"]

    assert all("valAtCur" in e and "valueAtCur" not in e for e in balance["equityList"])
    assert all("valAtCur" in f and "valueAtCur" not in f for f in balance["fundList"])
    assert all("valueAtCur" in o and "valAtCur" not in o for o in balance["etcList"])
    assert "valueAtCur" in balance["summary"]


def test_the_consent_list_echoes_broker_codes_with_a_leading_space(sandbox):
    answer = sandbox.member_search("consent", ci=SEED_CI)

    assert answer.status_code == 200
    assert answer.json() == {
        "vtAccList": [
            {"comId": " 99001", "vtAccNo": BALANCE_ACCOUNT, "vtAccAlias": "주식투자용"},
            {"comId": " 99001", "vtAccNo": HISTORY_ACCOUNT, "vtAccAlias": "연금저축"},
            {"comId": " 99002", "vtAccNo": CYBER_ACCOUNT, "vtAccAlias": "대량 종목"},
            {"comId": " 99003", "vtAccNo": STAR_ACCOUNT, "vtAccAlias": "스타 위탁"},
        ],
        # The newer documents' service consent end, at the top level as in their example.
        "serviceTermsExpireDate": answer.json()["serviceTermsExpireDate"],
    }
    assert len(answer.json()["serviceTermsExpireDate"]) == 8


def test_two_identical_rows_on_one_day_are_both_listed(sandbox, hong_token):
    opened = data.opening_date(HISTORY_ACCOUNT)
    rows = sandbox.transactions(
        "diamond",
        token=hong_token,
        vt_acc_no=HISTORY_ACCOUNT,
        ci=SEED_CI,
        from_date=opened,
        to_date=opened + timedelta(days=40),
    )
    texts = [json.dumps(row, sort_keys=True) for row in rows]

    twins = [row for row in set(texts) if texts.count(row) == 2]
    assert twins and json.loads(twins[0])["transType"] == "DEP"
    assert json.loads(twins[0])["isinCode"] == "CASH"


def test_broker_cash_moves_have_an_empty_isin_code(sandbox, hong_token):
    rows = sandbox.transactions(
        "diamond",
        token=hong_token,
        vt_acc_no=HISTORY_ACCOUNT,
        ci=SEED_CI,
        from_date=data.opening_date(HISTORY_ACCOUNT),
        to_date=sandbox_today(),
        count=100,
    )

    assert {row["isinCode"] for row in rows if row["transType"] == "ETC"} == {""}
    assert {row["isinCode"] for row in rows if row["transType"] in ("DEP", "WID")} == {"CASH"}


# --- The common APIs ------------------------------------------------------------------------------


def test_register_search_tells_members_from_non_members(sandbox):
    lee = sandbox.personas["lee"]

    assert sandbox.member_search("register", ci=" " + SEED_CI).json() == {"result": "member"}
    assert sandbox.member_search("register", ci=lee.ci, kor_name="이철수").json() == {
        "result": "nonMember"
    }


def test_consent_search_for_a_non_member_is_refused_with_3007(sandbox):
    answer = sandbox.member_search("consent", ci=ci_for("이철수", "19900303", "01034567890"))

    assert answer.status_code == 500
    assert answer.json()["code"] == 3007


def test_consent_search_leaves_out_expired_consents(sandbox):
    park = sandbox.personas["park"]

    assert sandbox.member_search("consent", ci=park.ci).json() == {"vtAccList": []}


@pytest.mark.parametrize(
    ("api_key", "message"),
    [("", "No API key found in request"), ("not-the-key", "Invalid authentication credentials")],
)
def test_common_apis_need_the_right_api_key(sandbox, api_key, message):
    answer = sandbox.member_search("register", ci=SEED_CI, api_key=api_key)

    assert answer.status_code == 401
    assert answer.json() == {"message": message}


# --- Account API refusals ----------------------------------------------------------------------


def balance_body(sandbox, vt_acc_no: str = BALANCE_ACCOUNT, ci: str = SEED_CI, **query: Any):
    return sandbox.envelope("balance", vt_acc_no=vt_acc_no, ci=ci, **query)


def test_a_missing_or_unknown_bearer_token_gets_401(sandbox):
    for token in ("", "not-a-token"):
        answer = sandbox.account_search("diamond", "balance", balance_body(sandbox), token=token)

        assert answer.status_code == 401
        assert answer.json() == {"message": "Invalid authentication credentials"}


def test_an_unknown_broker_has_no_route(sandbox, hong_token):
    answer = sandbox.account_search("nowhere", "balance", balance_body(sandbox), token=hong_token)

    assert answer.status_code == 404
    assert answer.json() == {"message": "no Route matched with those values"}


def test_an_account_of_another_broker_is_not_found_with_4001(sandbox, hong_token):
    answer = sandbox.account_search("cyber", "balance", balance_body(sandbox), token=hong_token)

    assert answer.status_code == 500
    assert answer.json()["code"] == 4001


def test_a_ci_that_does_not_own_the_account_gets_4003(sandbox, hong_token):
    body = balance_body(sandbox, ci=sandbox.personas["kim"].ci)
    answer = sandbox.account_search("diamond", "balance", body, token=hong_token)

    assert answer.status_code == 500
    assert answer.json()["code"] == 4003


def test_a_token_of_another_member_gets_2100(sandbox):
    other = sandbox.new_member()
    token = sandbox.tokens_for(other.portal_id, other.password)["access_token"]
    answer = sandbox.account_search("diamond", "balance", balance_body(sandbox), token=token)

    assert answer.status_code == 403
    assert answer.json()["code"] == 2100


def test_a_profile_scope_token_cannot_read_accounts(sandbox):
    member = sandbox.new_member()
    url = sandbox.authorize_url(state="s", scope="profile")
    callback = sandbox.login_and_consent(url, username=member.portal_id, password=member.password)
    code = re.search(r"code=([^&]+)", callback)[1]
    token = sandbox.exchange_code(code).json()
    body = balance_body(sandbox, vt_acc_no=member.accounts[0]["vt_acc_no"], ci=member.ci)
    answer = sandbox.account_search("diamond", "balance", body, token=token["access_token"])

    assert token["expires_in"] == 600
    assert answer.status_code == 403
    assert answer.json()["code"] == 2100


def test_an_expired_consent_gets_4006(sandbox):
    token = sandbox.tokens_for("park")["access_token"]
    body = balance_body(sandbox, vt_acc_no=EXPIRED_ACCOUNT, ci=sandbox.personas["park"].ci)
    answer = sandbox.account_search("diamond", "balance", body, token=token)

    assert answer.status_code == 500
    assert answer.json() == {
        "category": "op-exco",
        "code": 4006,
        "message": "consent not found.",
        "description": "정보제공 동의가 만료되었습니다",
    }


@pytest.mark.parametrize("service", ["balance", "interest"])
def test_star_offers_neither_balance_nor_interest_and_says_so_with_6001(
    sandbox, hong_token, service
):
    body = sandbox.envelope(service, vt_acc_no=STAR_ACCOUNT, ci=SEED_CI)
    answer = sandbox.account_search("star", service, body, token=hong_token)

    assert answer.status_code == 500
    assert answer.json()["category"] == "star"
    assert answer.json()["code"] == 6001
    assert answer.json()["message"] == f"service not supported: {service}"


def test_star_gives_portfolio_ratios(sandbox, hong_token):
    body = sandbox.envelope("portfolio", vt_acc_no=STAR_ACCOUNT, ci=SEED_CI)
    answer = sandbox.account_search("star", "portfolio", body, token=hong_token)
    equities = answer.json()["portfolioList"]["portfolio"]["equityList"]

    assert answer.status_code == 200
    assert abs(sum(Decimal(str(e["qty"])) for e in equities) - 100) < 1


def test_cyber_refuses_all_and_quantities(sandbox, hong_token):
    everything = balance_body(sandbox, vt_acc_no=CYBER_ACCOUNT, assetType="ALL")
    quantities = sandbox.envelope(
        "portfolio", vt_acc_no=CYBER_ACCOUNT, ci=SEED_CI, assetType="EQTY", rspType="QTY"
    )

    assert (
        sandbox.account_search("cyber", "balance", everything, token=hong_token).json()["code"]
        == 6001
    )
    assert (
        sandbox.account_search("cyber", "portfolio", quantities, token=hong_token).json()["code"]
        == 6002
    )


@pytest.mark.parametrize(("days", "refused"), [(90, False), (91, True)])
def test_cyber_refuses_transaction_windows_over_90_days_naming_the_limit(
    sandbox, hong_token, days, refused
):
    today = sandbox_today()
    body = sandbox.envelope(
        "transaction",
        vt_acc_no=CYBER_ACCOUNT,
        ci=SEED_CI,
        fromDate=(today - timedelta(days=days - 1)).strftime("%Y%m%d"),
        toDate=today.strftime("%Y%m%d"),
    )
    answer = sandbox.account_search("cyber", "transaction", body, token=hong_token)

    if refused:
        assert answer.status_code == 500
        assert answer.json()["code"] == 6006
        assert "90 days" in answer.json()["message"]
    else:
        assert answer.status_code == 200
        assert len(answer.json().get("transList", {}).get("transaction", [])) <= 20


def test_the_as_of_header_answers_as_of_a_past_date(sandbox, hong_token):
    day = sandbox_today() - timedelta(days=30)
    answer = sandbox.account_search(
        "diamond",
        "balance",
        balance_body(sandbox),
        token=hong_token,
        headers={"X-Sandbox-As-Of": day.strftime("%Y%m%d")},
    )
    expected = data.holdings_as_of(BALANCE_ACCOUNT, "default", day).summary.total_acc_val

    assert Decimal(str(answer.json()["balanceList"]["balance"]["summary"]["totalAccVal"])) == (
        expected
    )


def test_an_as_of_date_in_the_future_is_refused(sandbox, hong_token):
    tomorrow = (sandbox_today() + timedelta(days=2)).strftime("%Y%m%d")
    answer = sandbox.account_search(
        "diamond",
        "balance",
        balance_body(sandbox),
        token=hong_token,
        headers={"X-Sandbox-As-Of": tomorrow},
    )

    assert answer.status_code == 400
