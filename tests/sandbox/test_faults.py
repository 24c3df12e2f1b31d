"""Switchable faults spoil exactly the answers they are set for, as many times as asked, through
the control door of the test fixture and through ``manage.py sandbox_fault``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from brokers.sandbox.identity import SEED_CI
from tests.sandbox_server import ROOT

DIAMOND = "160678007213500001"
OTHER_DIAMOND = "160731060768600001"
CYBER = "160812345678900001"


@pytest.fixture(scope="module")
def token(live_sandbox) -> str:
    return live_sandbox.tokens_for("hong")["access_token"]


def portfolio(sandbox, token: str, vt_acc_no: str = DIAMOND, broker: str = "diamond"):
    body = sandbox.envelope(
        "portfolio",
        vt_acc_no=vt_acc_no,
        ci=SEED_CI,
        assetType="EQTY" if broker == "cyber" else "ALL",
    )
    return sandbox.account_search(broker, "portfolio", body, token=token)


def test_three_3600s_then_the_broker_answers_again(sandbox, token):
    sandbox.set_fault("3600", broker="diamond", times=3)
    answers = [portfolio(sandbox, token) for _ in range(4)]

    assert [a.status_code for a in answers] == [503, 503, 503, 200]
    assert answers[0].json() == {
        "category": "diamond",
        "code": 3600,
        "message": "service unavailable.",
        "description": "증권사 서비스 일시 중단",
    }
    assert sandbox.faults()[0]["remaining"] == 0
    assert sandbox.faults()[0]["fired"] == 3


@pytest.mark.parametrize(
    ("kind", "message"),
    [("3004", "network error."), ("3005", "timeout."), ("3999", "unknown error.")],
)
def test_broker_link_errors_come_as_500_with_their_code(sandbox, token, kind, message):
    sandbox.set_fault(kind, api="portfolio")
    answer = portfolio(sandbox, token)

    assert answer.status_code == 500
    assert answer.json()["category"] == "op-exco"
    assert answer.json()["code"] == int(kind)
    assert answer.json()["message"] == message


def test_an_account_fault_leaves_the_other_accounts_alone(sandbox, token):
    sandbox.set_fault("3999", vt_acc_no=DIAMOND)

    assert portfolio(sandbox, token, DIAMOND).status_code == 500
    assert portfolio(sandbox, token, OTHER_DIAMOND).status_code == 200
    assert portfolio(sandbox, token, CYBER, "cyber").status_code == 200


def test_a_broker_fault_leaves_the_common_apis_alone_and_a_global_one_does_not(sandbox, token):
    sandbox.set_fault("3999", broker="cyber")

    assert sandbox.member_search("register", ci=SEED_CI).status_code == 200
    sandbox.set_fault("3999", api="register", times=1)
    assert sandbox.member_search("register", ci=SEED_CI).status_code == 500


def test_latency_delays_the_answer(sandbox, token):
    sandbox.set_fault("latency", broker="diamond", delay_ms=400, times=1)
    started = time.monotonic()
    answer = portfolio(sandbox, token)

    assert answer.status_code == 200
    assert time.monotonic() - started >= 0.4


def test_malformed_json_comes_with_a_200(sandbox, token):
    sandbox.set_fault("malformed-json", vt_acc_no=DIAMOND, times=1)
    answer = portfolio(sandbox, token)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)
    assert portfolio(sandbox, token).json()["resp"]["respCode"] == "200"


def test_a_consent_expired_fault_gives_4006_and_hides_the_account_from_consent_search(
    sandbox, token
):
    sandbox.set_fault("consent-expired", vt_acc_no=DIAMOND)
    listed = sandbox.member_search("consent", ci=SEED_CI).json()["vtAccList"]
    answer = portfolio(sandbox, token)

    assert answer.status_code == 500
    assert answer.json()["code"] == 4006
    assert DIAMOND not in [item["vtAccNo"] for item in listed]
    assert OTHER_DIAMOND in [item["vtAccNo"] for item in listed]


def test_an_expired_consent_is_refused_until_the_member_links_again(sandbox):
    member = sandbox.new_member()
    account = member.accounts[0]["vt_acc_no"]
    token = sandbox.tokens_for(member.portal_id, member.password)["access_token"]
    body = sandbox.envelope("balance", vt_acc_no=account, ci=member.ci)

    assert sandbox.account_search("diamond", "balance", body, token=token).status_code == 200
    assert sandbox.expire_consent(account) == 1
    assert sandbox.account_search("diamond", "balance", body, token=token).json()["code"] == 4006
    assert sandbox.member_search("consent", ci=member.ci).json() == {"vtAccList": []}


def test_unknown_fault_kinds_are_refused(sandbox):
    with pytest.raises(AssertionError, match="unknown fault"):
        sandbox.set_fault("meteor")


def manage(live_sandbox, *args: str) -> subprocess.CompletedProcess:
    """The command, in a shell whose own sandbox database is another one: it must reach the
    running sandbox through its door (here the fixture's token and port, as `make run` records
    them for people)."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SANDBOX_DATABASE_URL": "postgres:///jasan_sandbox_not_the_running_one",
        "SANDBOX_CONTROL_TOKEN": live_sandbox.control_token,
        "SANDBOX_PORT": live_sandbox.url.rsplit(":", 1)[1],
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_management_command_switches_faults_on_the_running_sandbox(sandbox, token):
    switched = manage(
        sandbox, "sandbox_fault", "set", "3005", "--broker", "diamond", "--times", "1"
    )
    listed = manage(sandbox, "sandbox_fault", "list")
    spoiled, normal = portfolio(sandbox, token), portfolio(sandbox, token)

    assert switched.returncode == 0, switched.stderr
    assert "3005 @ diamond (1 more)" in listed.stdout
    assert spoiled.json()["code"] == 3005
    assert normal.status_code == 200
    assert sandbox.faults()[0]["remaining"] == 0


def test_a_slow_answer_does_not_hold_up_other_callers(sandbox, token):
    sandbox.set_fault("latency", vt_acc_no=DIAMOND, delay_ms=1500, times=1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(portfolio, sandbox, token, DIAMOND)
        time.sleep(0.2)
        started = time.monotonic()
        quick = portfolio(sandbox, token, OTHER_DIAMOND)
        quick_seconds = time.monotonic() - started

        assert quick.status_code == 200
        assert quick_seconds < 1.0
        assert slow.result().status_code == 200
