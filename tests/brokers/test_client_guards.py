"""The other services and the guards: watchlists, member APIs, tokens, breaker and budgets.

The platform's answers are scripted exactly (tests/brokers/scripted.py).
"""

from __future__ import annotations

import pytest

from brokers.errors import RATE_LIMITED, TRANSIENT, PlatformError
from brokers.resilience.breaker import CircuitOpen
from brokers.upstream import CallContext
from tests.brokers.paged_answers import (
    OK,
    error_answer,
)
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, LinkedAccountFactory

pytestmark = pytest.mark.django_db


def test_a_broker_without_watchlists_has_an_empty_one(scripted, scripted_client, link):
    connection, _, cyber = link
    scripted.script = lambda request: error_answer(6001, "service not supported.")

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
    scripted.script = lambda request: error_answer(3600, "service unavailable.", status=503)
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
