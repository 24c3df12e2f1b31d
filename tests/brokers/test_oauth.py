"""OAuth with requests-oauthlib: PKCE S256, Basic client auth, error mapping, quiet token loggers.

Requests are checked on a scripted loopback server; the same steps against the live sandbox are
in test_oauth_sandbox.py.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from brokers.call_log import UPSTREAM_LOGGER
from brokers.errors import BUG, REAUTH_REQUIRED, TRANSIENT, PlatformError
from brokers.openplatform.client import OpenPlatformClient
from brokers.openplatform.config import OpenPlatformConfig
from brokers.upstream import REFRESH_TOKEN
from tests.brokers.scripted import Answer

ACCESS = "eyJhbGciOiJIUzI1NiJ9.access-token-value-0001"
REFRESH = "refresh-token-value-0001-abcdefghijklmnop"


def _form(request) -> dict[str, list[str]]:
    return parse_qs(request.body.decode())


def _token_answer(**extra) -> Answer:
    body = {
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "token_type": "Bearer",
        "scope": "account",
        "expires_in": 2592000,
        **extra,
    }
    return Answer(200, body)


def test_the_authorize_url_carries_state_and_an_s256_challenge_of_a_server_side_verifier(
    scripted_client,
):
    request = scripted_client.authorization_url()

    url = urlsplit(request.url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/auth/oauth/v2/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == "test-client"
    assert query["redirect_uri"] == "http://127.0.0.1:8000/link/callback/"
    assert query["scope"] == "account"
    assert query["state"] == request.state
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(request.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert request.code_verifier not in request.url
    assert re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", request.code_verifier)


def test_every_authorize_url_has_its_own_state_and_verifier(scripted_client):
    first = scripted_client.authorization_url()
    second = scripted_client.authorization_url()

    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    assert len(first.state) >= 32
    assert scripted_client.authorization_url(state="given").state == "given"


def test_the_code_is_exchanged_with_basic_auth_and_the_verifier_kept_since_the_authorize_step(
    scripted, scripted_client
):
    scripted.script = lambda request: _token_answer()
    verifier = scripted_client.authorization_url().code_verifier

    tokens = scripted_client.exchange_code(code="the-code", code_verifier=verifier)

    [request] = scripted.requests
    assert request.path == "/auth/oauth/v2/token"
    expected = base64.b64encode(b"test-client:test-client-secret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = _form(request)
    assert form == {
        "grant_type": ["authorization_code"],
        "code": ["the-code"],
        "redirect_uri": ["http://127.0.0.1:8000/link/callback/"],
        "code_verifier": [verifier],
    }
    assert (tokens.access_token, tokens.refresh_token) == (ACCESS, REFRESH)
    assert (tokens.token_type, tokens.scope) == ("Bearer", "account")
    expected_expiry = timezone.now() + datetime.timedelta(days=30)
    assert abs((tokens.expires_at - expected_expiry).total_seconds()) < 5
    assert ACCESS not in repr(tokens) and REFRESH not in repr(tokens)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, {"error": "invalid_grant", "error_description": "code reused"}, REAUTH_REQUIRED),
        (401, {"error": "invalid_client"}, BUG),
        (400, {"error": "invalid_request"}, BUG),
        (503, {"error": "temporarily_unavailable"}, TRANSIENT),
        (502, "<html>bad gateway</html>", TRANSIENT),
        (401, {"category": "op-auth", "code": 2001, "message": "auth failed"}, REAUTH_REQUIRED),
    ],
)
def test_token_endpoint_errors_are_mapped_to_what_the_caller_must_do(
    scripted, scripted_client, status, body, kind
):
    scripted.script = lambda request: Answer(status, body)

    with pytest.raises(PlatformError) as failed:
        scripted_client.exchange_code(code="c", code_verifier="v" * 43)

    assert failed.value.kind == kind
    assert failed.value.http_status == status
    if kind == TRANSIENT:
        assert failed.value.retry_after > 0


def test_a_token_answer_without_an_access_token_is_a_parse_error(scripted, scripted_client):
    scripted.script = lambda request: Answer(200, {"token_type": "Bearer"})

    with pytest.raises(PlatformError) as failed:
        scripted_client.exchange_code(code="c", code_verifier="v" * 43)

    assert (failed.value.kind, failed.value.permanent) == (BUG, True)


def test_a_granted_scope_other_than_the_requested_one_is_accepted_and_stored(
    scripted, scripted_client
):
    scripted.script = lambda request: _token_answer(scope="account profile")

    tokens = scripted_client.exchange_code(code="c", code_verifier="v" * 43)

    assert tokens.scope == "account profile"


def test_a_refresh_sends_the_refresh_token_and_returns_the_rotated_one(scripted, scripted_client):
    scripted.script = lambda request: _token_answer(
        access_token="new-access", refresh_token="new-refresh"
    )

    tokens = scripted_client.refresh(refresh_token=REFRESH)

    [request] = scripted.requests
    assert _form(request) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH],
        "scope": ["account"],
    }
    assert request.headers["Authorization"].startswith("Basic ")
    assert (tokens.access_token, tokens.refresh_token) == ("new-access", "new-refresh")


def test_a_refresh_answer_without_a_new_refresh_token_keeps_the_old_one(scripted, scripted_client):
    scripted.script = lambda request: Answer(
        200, {"access_token": "new-access", "token_type": "Bearer", "expires_in": 600}
    )

    tokens = scripted_client.refresh(refresh_token=REFRESH)

    assert tokens.refresh_token == REFRESH
    assert tokens.scope == "account"


def test_a_refused_refresh_token_means_the_user_must_connect_again(scripted, scripted_client):
    scripted.script = lambda request: Answer(400, {"error": "invalid_grant"})

    with pytest.raises(PlatformError) as failed:
        scripted_client.refresh(refresh_token=REFRESH)

    assert (failed.value.kind, failed.value.permanent) == (REAUTH_REQUIRED, True)


@pytest.mark.parametrize("body", [b"", {"result": "revoked"}, "OK"])
def test_revoke_posts_the_token_with_its_hint_and_any_200_is_success(
    scripted, scripted_client, body
):
    scripted.script = lambda request: Answer(200, body)

    scripted_client.revoke(token=REFRESH, token_type_hint=REFRESH_TOKEN)

    [request] = scripted.requests
    assert request.path == "/auth/oauth/v2/token/revoke"
    assert _form(request) == {"token": [REFRESH], "token_type_hint": ["refresh_token"]}
    assert request.headers["Authorization"].startswith("Basic ")


def test_a_refused_revoke_is_an_error(scripted, scripted_client):
    scripted.script = lambda request: Answer(401, {"error": "invalid_client"})

    with pytest.raises(PlatformError) as failed:
        scripted_client.revoke(token=ACCESS)

    assert failed.value.http_status == 401


def test_no_token_reaches_a_log_even_if_the_oauth_loggers_were_set_to_debug(
    scripted, scripted_client, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)  # the root logger, urllib3 included
    for name in ("oauthlib", "requests_oauthlib"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.INFO)
        logging.getLogger(name).setLevel(logging.DEBUG)
    scripted.script = lambda request: _token_answer()

    scripted_client.exchange_code(code="the-code", code_verifier="v" * 43)
    scripted_client.refresh(refresh_token=REFRESH)

    assert logging.getLogger("requests_oauthlib").level == logging.INFO
    assert logging.getLogger("oauthlib").level == logging.INFO
    assert ACCESS not in caplog.text
    assert REFRESH not in caplog.text
    assert "v" * 43 not in caplog.text
    calls = [r.getMessage() for r in caplog.records if r.name == UPSTREAM_LOGGER]
    assert [line.split(" outcome=")[0].split(" service=")[1].split()[0] for line in calls] == [
        "token",
        "refresh",
    ]


@pytest.mark.parametrize(
    ("base_url", "sandbox", "allowed"),
    [
        ("https://apigw.koscom.co.kr", False, True),
        ("http://127.0.0.1:8001", False, True),
        ("http://localhost:8001", False, True),
        ("http://sandbox:8001", True, True),
        ("http://sandbox:8001", False, False),
        ("http://apigw.koscom.co.kr", False, False),
    ],
)
def test_plain_http_is_refused_unless_it_stays_on_this_machine_or_the_sandbox_runs(
    settings, base_url, sandbox, allowed
):
    settings.SANDBOX_ENABLED = sandbox
    config = OpenPlatformConfig.from_settings(base_url=base_url)

    if allowed:
        OpenPlatformClient(config).close()
    else:
        with pytest.raises(PlatformError) as refused:
            OpenPlatformClient(config)
        assert refused.value.kind == BUG


def test_oauthlibs_plain_http_switch_is_on_only_during_a_sandbox_call(scripted, scripted_client):
    scripted.script = lambda request: _token_answer()

    scripted_client.exchange_code(code="c", code_verifier="v" * 43)

    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
