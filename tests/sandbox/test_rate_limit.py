"""The gateway's daily quota per service: every answer says how much is left; past the limit,
429 with the documented body until the UTC day ends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from brokers.sandbox.identity import SEED_CI

ACCOUNT = "160678007213500001"


@pytest.fixture(scope="module")
def token(live_sandbox) -> str:
    return live_sandbox.tokens_for("hong")["access_token"]


def balance(sandbox, token: str):
    body = sandbox.envelope("balance", vt_acc_no=ACCOUNT, ci=SEED_CI)
    return sandbox.account_search("diamond", "balance", body, token=token)


def test_the_headers_count_down_and_the_call_past_the_limit_gets_429(sandbox, token):
    sandbox.set_budget(limit=4)
    answers = [balance(sandbox, token) for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Limit-Day"] for a in answers] == ["4"] * 5
    assert [a.headers["X-RateLimit-Remaining-Day"] for a in answers] == ["3", "2", "1", "0", "0"]
    assert answers[-1].json() == {"message": "API rate limit exceeded"}
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 24 * 3600


def test_common_and_account_apis_share_the_services_budget(sandbox, token):
    sandbox.set_budget(limit=10, remaining=3)
    first = sandbox.member_search("register", ci=SEED_CI)
    second = balance(sandbox, token)
    third = sandbox.member_search("consent", ci=SEED_CI)
    fourth = balance(sandbox, token)

    assert [
        first.headers["X-RateLimit-Remaining-Day"],
        second.headers["X-RateLimit-Remaining-Day"],
    ] == [
        "2",
        "1",
    ]
    assert third.headers["X-RateLimit-Remaining-Day"] == "0"
    assert fourth.status_code == 429
    assert sandbox.member_search("register", ci=SEED_CI).status_code == 429


def test_the_budget_starts_at_the_platforms_50000_calls_a_day(sandbox, token):
    answer = balance(sandbox, token)

    assert answer.headers["X-RateLimit-Limit-Day"] == "50000"
    assert answer.headers["X-RateLimit-Remaining-Day"] == "49999"


def test_errors_count_too_and_carry_the_headers(sandbox, token):
    sandbox.set_budget(limit=10, remaining=5)
    body = sandbox.envelope("balance", vt_acc_no="000000000000000000", ci=SEED_CI)
    answer = sandbox.account_search("diamond", "balance", body, token=token)

    assert answer.json()["code"] == 4001
    assert answer.headers["X-RateLimit-Remaining-Day"] == "4"


def test_a_429_fault_refuses_without_spending_the_budget_to_zero(sandbox, token):
    sandbox.set_fault("429", broker="diamond", times=1)
    refused, accepted = balance(sandbox, token), balance(sandbox, token)

    assert refused.status_code == 429
    assert refused.json() == {"message": "API rate limit exceeded"}
    assert refused.headers["Retry-After"] == "1"
    assert accepted.status_code == 200
    assert int(accepted.headers["X-RateLimit-Remaining-Day"]) > 0


def test_concurrent_calls_are_counted_exactly(sandbox, token):
    sandbox.set_budget(limit=6)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(lambda _: balance(sandbox, token).status_code, range(10)))

    assert statuses == [200] * 6 + [429] * 4
