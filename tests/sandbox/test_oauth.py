"""The sandbox's OAuth 2.0 server refuses what RFC 6749, RFC 7636, RFC 7009 and the platform
refuse, with the documented errors, against the live server."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox_server import form_with, pkce_pair, query_of, submit

INVALID_CREDENTIALS = {"message": "Invalid authentication credentials"}


def authorized(sandbox, member, *, state: str = "state-1", verifier_pair=None):
    """Walk the authorization pages as ``member``; the callback's query and the PKCE verifier."""
    verifier, challenge = verifier_pair or pkce_pair()
    url = sandbox.authorize_url(state=state, code_challenge=challenge)
    callback = sandbox.login_and_consent(url, username=member.portal_id, password=member.password)
    return query_of(callback), verifier


def balance_status(sandbox, member, access_token: str) -> requests.Response:
    body = sandbox.envelope("balance", vt_acc_no=member.accounts[0]["vt_acc_no"], ci=member.ci)
    return sandbox.account_search("diamond", "balance", body, token=access_token)


@pytest.fixture
def member(sandbox):
    return sandbox.new_member()


def test_a_code_and_pkce_give_30_day_account_tokens_that_read_the_account(sandbox, member):
    callback, verifier = authorized(sandbox, member, state="xyz-1")
    answer = sandbox.exchange_code(callback["code"], code_verifier=verifier)
    tokens = answer.json()

    assert callback["state"] == "xyz-1"
    assert answer.status_code == 200
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "account"
    assert tokens["expires_in"] == 2_592_000
    assert tokens["refresh_token"]
    assert balance_status(sandbox, member, tokens["access_token"]).status_code == 200


def test_a_reused_code_is_refused_and_revokes_what_it_issued(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    first = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    second = sandbox.exchange_code(callback["code"], code_verifier=verifier)

    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert balance_status(sandbox, member, first["access_token"]).json() == INVALID_CREDENTIALS
    assert sandbox.refresh(first["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_code_older_than_ten_minutes_is_refused(sandbox, member):
    callback, verifier = authorized(sandbox, member)

    assert sandbox.expire_code(callback["code"]) is True
    answer = sandbox.exchange_code(callback["code"], code_verifier=verifier)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_the_token_request_must_repeat_the_exact_redirect_uri(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    answer = sandbox.exchange_code(
        callback["code"], redirect_uri=sandbox.redirect_uri + "?x=1", code_verifier=verifier
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"redirect_uri": "http://attacker.example/callback"}, "Mismatching redirect URI"),
        ({"client_id": "nobody"}, "Invalid client_id"),
    ],
)
def test_an_unknown_client_or_redirect_uri_gets_an_error_page_and_no_redirect(sandbox, query, says):
    answer = requests.get(sandbox.authorize_url(**query), allow_redirects=False, timeout=10)

    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert 'data-oauth-error="invalid_request"' in answer.text
    assert says in answer.text


def test_a_wrong_pkce_verifier_is_refused(sandbox, member):
    callback, _verifier = authorized(sandbox, member)
    wrong, _challenge = pkce_pair()
    answer = sandbox.exchange_code(callback["code"], code_verifier=wrong)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_missing_pkce_verifier_is_refused_when_a_challenge_was_sent(sandbox, member):
    callback, _verifier = authorized(sandbox, member)
    answer = sandbox.exchange_code(callback["code"])

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_plain_pkce_is_refused_on_the_redirect(sandbox, member):
    url = sandbox.authorize_url(state="p", code_challenge="x" * 43, code_challenge_method="plain")
    answer = requests.get(url, allow_redirects=False, timeout=10)
    callback = query_of(answer.headers["Location"])

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(sandbox.redirect_uri)
    assert callback["error"] == "invalid_request"
    assert callback["state"] == "p"


def test_denying_consent_redirects_with_access_denied_and_the_state(sandbox, member):
    url = sandbox.authorize_url(state="no-thanks")
    callback = sandbox.login_and_consent(
        url, username=member.portal_id, password=member.password, allow=False
    )

    assert query_of(callback) == {
        "error": "access_denied",
        "error_description": "The member refused.",
        "state": "no-thanks",
    }


def test_an_expired_access_token_is_refused_with_401(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    tokens = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()

    assert sandbox.expire_token(tokens["access_token"]) is True
    answer = balance_status(sandbox, member, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.json() == INVALID_CREDENTIALS


def test_refresh_rotates_and_reusing_an_old_refresh_token_revokes_the_whole_grant(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    first = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    second = sandbox.refresh(first["refresh_token"]).json()

    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 2_592_000
    assert balance_status(sandbox, member, second["access_token"]).status_code == 200

    reused = sandbox.refresh(first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    # The whole family is dead: the newest refresh token and both access tokens.
    assert sandbox.refresh(second["refresh_token"]).json()["error"] == "invalid_grant"
    assert balance_status(sandbox, member, second["access_token"]).status_code == 401
    assert balance_status(sandbox, member, first["access_token"]).status_code == 401


def test_a_revoked_access_token_is_refused_and_revocation_answers_revoked(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    tokens = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    answer = sandbox.revoke(tokens["access_token"], "access_token")

    assert answer.status_code == 200
    assert answer.json() == {"result": "revoked"}
    assert balance_status(sandbox, member, tokens["access_token"]).json() == INVALID_CREDENTIALS
    # Revoking an access token leaves the refresh token usable.
    assert sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_revoking_a_refresh_token_by_delete_revokes_its_grant(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    tokens = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    answer = requests.delete(
        f"{sandbox.url}/auth/oauth/v2/token/revoke",
        params={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=10,
    )

    assert answer.json() == {"result": "revoked"}
    assert balance_status(sandbox, member, tokens["access_token"]).status_code == 401


def test_revoking_an_unknown_token_still_answers_200(sandbox):
    answer = sandbox.revoke("never-issued")

    assert answer.status_code == 200
    assert answer.json() == {"result": "revoked"}


def test_clients_authenticate_with_http_basic_only(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    data = {
        "grant_type": "authorization_code",
        "code": callback["code"],
        "redirect_uri": sandbox.redirect_uri,
        "code_verifier": verifier,
    }
    token_url = f"{sandbox.url}/auth/oauth/v2/token"
    wrong_secret = requests.post(
        token_url, data=data, auth=(sandbox.client_id, "wrong"), timeout=10
    )
    in_the_body = requests.post(
        token_url,
        data={**data, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
        timeout=10,
    )

    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    assert in_the_body.status_code == 401
    assert in_the_body.json()["error"] == "invalid_client"


def test_five_wrong_passwords_lock_the_portal_account_with_2003(sandbox, member):
    callback, verifier = authorized(sandbox, member)
    tokens = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    http = requests.Session()
    login = f"{sandbox.url}/portal/login/"
    page = http.get(login)
    token = http.cookies["sandbox_csrftoken"]
    answers = [
        http.post(
            login,
            data={"csrfmiddlewaretoken": token, "username": member.portal_id, "password": "no"},
            allow_redirects=False,
        )
        for _attempt in range(5)
    ]
    correct = http.post(
        login,
        data={
            "csrfmiddlewaretoken": token,
            "username": member.portal_id,
            "password": member.password,
        },
        allow_redirects=False,
    )

    assert page.status_code == 200
    assert ['data-error-code="2001"' in a.text for a in answers] == [True] * 4 + [False]
    assert "남은 시도 1회" in answers[3].text
    assert 'data-error-code="2003"' in answers[4].text
    assert correct.status_code == 401
    assert "오류 코드 2003" in correct.text
    # The platform refuses the locked member's existing tokens too.
    answer = balance_status(sandbox, member, tokens["access_token"])
    assert answer.status_code == 401
    assert answer.json()["code"] == 2003
    refreshed = sandbox.refresh(tokens["refresh_token"])
    assert refreshed.json()["error"] == "invalid_grant"
    assert "2003" in refreshed.json()["error_description"]


def test_the_locked_persona_cannot_authorize(sandbox):
    url = sandbox.authorize_url()
    http = requests.Session()
    page = http.get(url)
    csrf = http.cookies["sandbox_csrftoken"]
    answer = http.post(
        url,
        data={"csrfmiddlewaretoken": csrf, "username": "choi", "password": "sandbox1234"},
        allow_redirects=False,
    )

    assert 'name="username"' in page.text
    assert answer.status_code == 401
    assert 'data-error-code="2003"' in answer.text


def test_a_service_whose_contract_has_no_refresh_gets_no_refresh_token(sandbox, member):
    sandbox.register(issues_refresh_tokens=False)
    try:
        callback, verifier = authorized(sandbox, member)
        tokens = sandbox.exchange_code(callback["code"], code_verifier=verifier).json()
    finally:
        sandbox.register(issues_refresh_tokens=True)

    assert "access_token" in tokens
    assert "refresh_token" not in tokens


def test_someone_else_at_the_same_browser_can_switch_portal_accounts(sandbox, member):
    other = sandbox.new_member()
    http = requests.Session()
    verifier, challenge = pkce_pair()
    url = sandbox.authorize_url(code_challenge=challenge)
    sandbox.login_and_consent(url, username=member.portal_id, password=member.password, http=http)

    consent = http.get(url, timeout=10)
    switched = submit(http, consent, form_with(consent, "switch"), {"switch": "1"})
    callback = sandbox.login_and_consent(
        url, username=other.portal_id, password=other.password, http=http
    )
    tokens = sandbox.exchange_code(query_of(callback)["code"], code_verifier=verifier).json()

    assert member.portal_id in consent.text
    assert 'name="username"' in switched.text
    assert balance_status(sandbox, other, tokens["access_token"]).status_code == 200
    assert balance_status(sandbox, member, tokens["access_token"]).json()["code"] == 2100
