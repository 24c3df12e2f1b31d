"""A standard OAuth 2.0 client that is not ours — Authlib's ``OAuth2Session`` — completes the
authorization-code flow with PKCE, reads an account, refreshes and revokes against the live
sandbox. The portal's login and consent forms are posted by the test like a browser would."""

from __future__ import annotations

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from tests.sandbox_server import query_of


def test_authlib_completes_code_pkce_refresh_and_revoke(sandbox):
    member = sandbox.new_member(accounts=[("diamond", "default")])
    account = member.accounts[0]
    client = OAuth2Session(
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        token_endpoint_auth_method="client_secret_basic",
        scope="account",
        redirect_uri=sandbox.redirect_uri,
        code_challenge_method="S256",
    )
    verifier = generate_token(64)
    url, state = client.create_authorization_url(
        f"{sandbox.url}/auth/oauth/v2/authorize", code_verifier=verifier
    )

    callback = sandbox.login_and_consent(url, username=member.portal_id, password=member.password)
    assert query_of(url)["code_challenge_method"] == "S256"
    assert query_of(callback)["state"] == state

    token = client.fetch_token(
        f"{sandbox.url}/auth/oauth/v2/token",
        authorization_response=callback,
        code_verifier=verifier,
    )
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 2_592_000

    body = sandbox.envelope("balance", vt_acc_no=account["vt_acc_no"], ci=member.ci)
    read = client.post(f"{sandbox.url}/v1/diamond/account/balance/search", json=body)
    assert read.status_code == 200
    assert read.json()["accInfo"]["vtAccNo"] == account["vt_acc_no"]

    refreshed = client.refresh_token(
        f"{sandbox.url}/auth/oauth/v2/token", refresh_token=token["refresh_token"]
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert client.post(f"{sandbox.url}/v1/diamond/account/balance/search", json=body).ok

    revoked = client.revoke_token(
        f"{sandbox.url}/auth/oauth/v2/token/revoke",
        token=refreshed["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert revoked.status_code == 200
    assert revoked.json() == {"result": "revoked"}
    after = client.post(f"{sandbox.url}/v1/diamond/account/balance/search", json=body)
    assert after.status_code == 401
    assert after.json() == {"message": "Invalid authentication credentials"}
