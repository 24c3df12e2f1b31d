"""What upstream code logs: masked account numbers, one structured line per call."""

from __future__ import annotations

import datetime
import logging

import pytest

from brokers.call_log import UPSTREAM_LOGGER, CallInfo, log_call, mask_account
from brokers.models import LinkedAccount
from brokers.services import (
    connection_connect,
    connection_disconnect,
    connection_refresh,
    linked_accounts_record,
)
from tests.factories import IdentityFactory
from tests.sandbox_server import query_of


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("160678007213500001", "**************0001"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_account_numbers_keep_only_their_last_four_characters(value, masked):
    assert mask_account(value) == masked


def test_a_call_writes_one_line_with_broker_service_status_code_duration_and_attempt(caplog):
    caplog.set_level(logging.DEBUG)
    info = CallInfo.for_account("balance", "diamond", "160678007213500001", attempt=2)

    log_call(info, http_status=500, code=3600, duration_ms=12.6, outcome="transient")

    [record] = [r for r in caplog.records if r.name == UPSTREAM_LOGGER]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "upstream call broker=diamond service=balance status=500 code=3600 duration_ms=13 "
        "attempt=2 outcome=transient account=**************0001"
    )
    assert record.upstream_broker == "diamond"
    assert record.upstream_code == 3600
    assert "160678007213500001" not in record.getMessage()


def test_a_successful_call_logs_at_info_without_an_account_when_there_is_none(caplog):
    caplog.set_level(logging.DEBUG)

    log_call(CallInfo(service="register"), http_status=200, code=None, duration_ms=3, outcome="ok")

    [record] = [r for r in caplog.records if r.name == UPSTREAM_LOGGER]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "upstream call broker=- service=register status=200 code=- duration_ms=3 attempt=1 "
        "outcome=ok"
    )


def test_the_oauth_libraries_log_at_info_or_above_whatever_the_root_level(settings):
    # They log raw tokens at DEBUG (docs/reliability.md); the settings pin them whatever
    # LOG_LEVEL is.
    for name in ("oauthlib", "requests_oauthlib"):
        assert settings.LOGGING["loggers"][name]["level"] == "INFO"
        assert logging.getLogger(name).getEffectiveLevel() >= logging.INFO


@pytest.fixture
def everything_at_debug(caplog):
    """The root logger, urllib3, and the OAuth libraries set to DEBUG as a careless
    configuration would (they log raw tokens there; the client lifts them back to INFO)."""
    names = ("urllib3", "oauthlib", "requests_oauthlib")
    levels = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db
def test_a_full_run_logs_no_token_no_ci_and_no_full_account_number(
    platform, sandbox, everything_at_debug
):
    caplog = everything_at_debug
    persona = sandbox.personas["hong"]
    identity = IdentityFactory(ci=persona.ci, korean_name=persona.kor_name)
    request = platform.authorization_url()
    callback = query_of(sandbox.login_and_consent(request.url, username="hong"))

    connection = connection_connect(
        user=identity.user,
        code=callback["code"],
        code_verifier=request.code_verifier,
        upstream=platform,
    )
    first_tokens = (connection.access_token, connection.refresh_token)
    linked_accounts_record(user=identity.user, found=platform.linked_accounts(identity))
    accounts = list(LinkedAccount.objects.for_user(identity.user))
    diamond = next(a for a in accounts if a.broker.short_name == "diamond")
    cyber = next(a for a in accounts if a.broker.short_name == "cyber")
    platform.balance(connection, diamond)
    platform.transactions(connection, cyber, datetime.date(2026, 5, 1), datetime.date(2026, 9, 30))
    connection = connection_refresh(
        connection_id=connection.pk, stale_access_token=connection.access_token, upstream=platform
    )
    second_tokens = (connection.access_token, connection.refresh_token)
    connection_disconnect(connection_id=connection.pk, upstream=platform)

    secrets = [
        *first_tokens,
        *second_tokens,
        persona.ci,
        persona.ci.strip()[:40],
        persona.kor_name,
        request.code_verifier,
        callback["code"],
        sandbox.client_secret,
        sandbox.api_key,
        *(account.vt_acc_no for account in accounts),
    ]
    records = caplog.records
    everything = caplog.text + "\n".join(
        f"{r.msg} {r.args} {sorted(map(str, r.__dict__.values()))}" for r in records
    )
    assert [secret for secret in secrets if secret and secret in everything] == []
    # The capture did see the run: urllib3's DEBUG lines and one line per upstream call.
    assert any(r.name.startswith("urllib3") and r.levelno == logging.DEBUG for r in records)
    services = [r.upstream_service for r in records if r.name == UPSTREAM_LOGGER]
    assert services[:3] == ["token", "consent", "balance"]
    assert services[-3:] == ["refresh", "revoke", "revoke"]
    assert "**************0001" in caplog.text
