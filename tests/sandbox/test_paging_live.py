"""Paged answers from the live sandbox: following the page keys yields every item exactly once;
a key the sandbox did not issue for the listing gets 6003; paging faults spoil the keys."""

from __future__ import annotations

from typing import Any

import pytest

from brokers.sandbox import data
from brokers.sandbox.identity import SEED_CI
from tests.sandbox_server import sandbox_today

CYBER_LARGE = "160812345678900001"  # hong's cyber account, 500+ holdings
DIAMOND = "160678007213500001"
HISTORY = "160731060768600001"


@pytest.fixture(scope="module")
def token(live_sandbox) -> str:
    return live_sandbox.tokens_for("hong")["access_token"]


def pages(sandbox, token: str, broker: str, service: str, body: dict[str, Any], limit: int = 60):
    """Follow the page keys from the first page; every answer, in order."""
    section = body[f"{service}RequestBody"]["queryType"]
    answers = []
    for _ in range(limit):
        answer = sandbox.account_search(broker, service, body, token=token)
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
        key = answers[-1][f"{service}ResponseBody"]["queryResult"]["page"]
        if key == "null":
            return answers
        section["page"] = key
    raise AssertionError("the page keys never ended")


def items_of(answers: list[dict[str, Any]], family: str) -> list[dict[str, Any]]:
    return [item for a in answers for item in a["balanceList"]["balance"].get(family, [])]


@pytest.mark.parametrize(
    ("asset_type", "family", "key"),
    [("EQTY", "equityList", "isinCode"), ("FUND", "fundList", "fundCode")],
)
def test_cyber_pages_per_asset_type_return_every_holding_exactly_once(
    sandbox, token, asset_type, family, key
):
    body = sandbox.envelope("balance", vt_acc_no=CYBER_LARGE, ci=SEED_CI, assetType=asset_type)
    answers = pages(sandbox, token, "cyber", "balance", body)
    snapshot = data.holdings_as_of(CYBER_LARGE, "large", sandbox_today())
    expected = (
        [h.isin for h in snapshot.equities]
        if asset_type == "EQTY"
        else [f.fund_code for f in snapshot.funds]
    )
    received = [item[key] for item in items_of(answers, family)]

    assert sorted(received) == sorted(expected)
    assert len(set(received)) == len(received)
    assert all(len(a["balanceList"]["balance"][family]) <= 20 for a in answers)
    assert answers[0]["balanceResponseBody"]["queryResult"]["totalCnt"] == len(expected)
    if asset_type == "EQTY":
        assert len(expected) >= 500
        assert len(answers) == -(-len(expected) // 20)


def test_cyber_page_keys_are_opaque(sandbox, token):
    body = sandbox.envelope("balance", vt_acc_no=CYBER_LARGE, ci=SEED_CI, assetType="EQTY")
    answers = pages(sandbox, token, "cyber", "balance", body, limit=3 * 60)
    keys = [a["balanceResponseBody"]["queryResult"]["page"] for a in answers[:-1]]

    assert all(len(key) <= 24 and not key.isdigit() for key in keys)
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    "bad_key",
    ["garbage", "AAAAAAAAAAAAAAAAAAAAAA", "the FUND listing's key"],
)
def test_a_page_key_not_issued_for_the_listing_gets_6003(sandbox, token, bad_key):
    if bad_key == "the FUND listing's key":
        funds = sandbox.envelope(
            "balance", vt_acc_no=DIAMOND, ci=SEED_CI, assetType="EQTY", count=1
        )
        first = sandbox.account_search("diamond", "balance", funds, token=token).json()
        bad_key = first["balanceResponseBody"]["queryResult"]["page"]
    body = sandbox.envelope(
        "balance", vt_acc_no=CYBER_LARGE, ci=SEED_CI, assetType="EQTY", page=bad_key
    )
    answer = sandbox.account_search("cyber", "balance", body, token=token)

    assert answer.status_code == 500
    assert answer.json()["code"] == 6003


def test_diamond_pages_by_the_requested_count_and_answers_all_at_once(sandbox, token):
    by_seven = sandbox.envelope("balance", vt_acc_no=DIAMOND, ci=SEED_CI, assetType="EQTY", count=7)
    everything = sandbox.envelope("balance", vt_acc_no=DIAMOND, ci=SEED_CI, assetType="ALL")
    paged = items_of(pages(sandbox, token, "diamond", "balance", by_seven), "equityList")
    whole = sandbox.account_search("diamond", "balance", everything, token=token).json()

    assert [e["isinCode"] for e in paged] == [
        e["isinCode"] for e in whole["balanceList"]["balance"]["equityList"]
    ]
    assert whole["balanceResponseBody"]["queryResult"]["page"] == "null"


def test_transaction_pages_follow_count_and_cover_the_window_exactly_once(sandbox, token):
    opened, today = data.opening_date(HISTORY), sandbox_today()
    body = sandbox.envelope(
        "transaction",
        vt_acc_no=HISTORY,
        ci=SEED_CI,
        fromDate=opened.strftime("%Y%m%d"),
        toDate=today.strftime("%Y%m%d"),
        count=25,
    )
    first = sandbox.account_search("diamond", "transaction", body, token=token).json()
    rows = sandbox.transactions(
        "diamond", token=token, vt_acc_no=HISTORY, ci=SEED_CI, from_date=opened, to_date=today
    )
    expected = data.transactions_between(HISTORY, "default", opened, today)

    assert len(first["transList"]["transaction"]) == 25
    assert first["transactionHistoryResponseBody"]["queryResult"]["totalCnt"] == len(expected)
    assert [(r["transDate"], r["transType"], r["isinCode"]) for r in rows] == [
        (t.trans_date.strftime("%Y%m%d"), t.trans_type, t.isin_code) for t in expected
    ]


def test_a_drop_page_fault_skips_a_page_that_the_total_count_still_counts(sandbox, token):
    sandbox.set_fault("drop-page", vt_acc_no=CYBER_LARGE, times=1)
    body = sandbox.envelope("balance", vt_acc_no=CYBER_LARGE, ci=SEED_CI, assetType="EQTY")
    answers = pages(sandbox, token, "cyber", "balance", body)
    total = answers[0]["balanceResponseBody"]["queryResult"]["totalCnt"]

    assert len(items_of(answers, "equityList")) == total - 20
    assert sandbox.faults()[0]["remaining"] == 0


def test_a_repeat_page_fault_hands_back_the_key_it_was_asked_with(sandbox, token):
    sandbox.set_fault("repeat-page", broker="cyber", times=1)
    body = sandbox.envelope("balance", vt_acc_no=CYBER_LARGE, ci=SEED_CI, assetType="EQTY")
    first = sandbox.account_search("cyber", "balance", body, token=token).json()
    key = first["balanceResponseBody"]["queryResult"]["page"]
    body["balanceRequestBody"]["queryType"]["page"] = key
    second = sandbox.account_search("cyber", "balance", body, token=token).json()
    third = sandbox.account_search("cyber", "balance", body, token=token).json()

    assert second["balanceResponseBody"]["queryResult"]["page"] == key
    assert third["balanceResponseBody"]["queryResult"]["page"] != key
    assert second["balanceList"] == third["balanceList"]
