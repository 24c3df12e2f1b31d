"""Optional TOTP second factor through allauth's MFA app, with the secret encrypted at rest."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

from accounts.encryption import decrypt
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, user) -> object:
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_a_user_turns_on_totp_and_is_then_asked_for_a_code_at_sign_in(client, alice):
    assert _sign_in(client, alice).status_code == 302
    response = client.get("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before a second factor is changed.
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})

    assert response.status_code == 302
    authenticator = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    stored = authenticator.data["secret"]
    assert stored != secret and secret not in stored
    assert decrypt(stored) == secret

    client.post("/accounts/logout/")
    response = _sign_in(client, alice)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/link/").status_code == 302  # not signed in until the code is given
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/link/").status_code == 200


def test_the_security_page_offers_totp_in_korean(client, alice):
    _sign_in(client, alice)

    response = client.get("/accounts/2fa/")

    assert response.status_code == 200
    assert "/accounts/2fa/totp/activate/" in response.content.decode()
