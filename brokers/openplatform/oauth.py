"""OAuth 2.0 against the open platform with requests-oauthlib: authorize, exchange, refresh, revoke.

Three traps of the library shape this module (see docs/reliability.md):
- PKCE: requests-oauthlib keeps the verifier on the `OAuth2Session` that built the authorize
  URL, which is gone by the time the callback arrives in another request. So the verifier is
  made here, returned with the URL for the caller to keep server-side, and passed explicitly as
  `code_verifier=` when the code is exchanged.
- Logging: oauthlib and requests-oauthlib log raw tokens at DEBUG. Settings keep their loggers
  at INFO; `_quiet_token_loggers` enforces it again before every token call, in case a
  handler configuration lowered them.
- Plain HTTP: oauthlib refuses it unless an environment variable says otherwise; the sandbox on
  this machine needs it, production must never have it (`_oauthlib_transport`).
- Errors: requests-oauthlib parses whatever the token endpoint answers. A response hook maps a
  non-200 answer to our `PlatformError` first (`invalid_grant` → the user must authorize again).

Client authentication is HTTP Basic (`client_id:client_secret`), never in the body.
Refreshing under a lock, and storing the rotated refresh token, is `brokers.services`' job.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidGrantError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from brokers.call_log import CallInfo
from brokers.errors import (
    BUG,
    REAUTH_REQUIRED,
    TRANSIENT,
    ParseError,
    PlatformError,
    error_from_response,
)
from brokers.openplatform.http import Observation, Transport, new_session, observed
from brokers.upstream import ACCESS_TOKEN, AuthorizationRequest, TokenSet

ACCOUNT_SCOPE = "account"
# The documented lifetime of an `account` token (30 days), assumed when an answer omits
# `expires_in`: assuming less would refresh on every call, assuming more would fail calls.
DEFAULT_LIFETIME_SECONDS = 2_592_000
PKCE_VERIFIER_LENGTH = 64  # RFC 7636 allows 43 to 128 characters
TOKEN_LOGGERS = ("oauthlib", "requests_oauthlib")

# RFC 6749 §5.2 error codes of the token endpoint → what they mean for us.
_OAUTH_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_grant": (REAUTH_REQUIRED, "the grant was refused (invalid_grant)"),
    "access_denied": (REAUTH_REQUIRED, "access was denied (access_denied)"),
    "invalid_client": (BUG, "our client credentials were refused (invalid_client)"),
    "unauthorized_client": (BUG, "our client may not use this grant (unauthorized_client)"),
    "unsupported_grant_type": (BUG, "grant type not supported (unsupported_grant_type)"),
    "invalid_request": (BUG, "the token request was malformed (invalid_request)"),
    "invalid_scope": (BUG, "the requested scope was refused (invalid_scope)"),
    "server_error": (TRANSIENT, "the authorization server failed (server_error)"),
    "temporarily_unavailable": (TRANSIENT, "the authorization server is busy"),
}


def _quiet_token_loggers() -> None:
    for name in TOKEN_LOGGERS:
        token_logger = logging.getLogger(name)
        if token_logger.getEffectiveLevel() < logging.INFO:
            token_logger.setLevel(logging.INFO)


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_allowed(url: str) -> bool:
    """Whether `url` may be used although it is not HTTPS: the sandbox, never production.

    Plain HTTP is accepted only to this machine (loopback) or where the sandbox is enabled.
    """
    parts = urlsplit(url)
    return parts.scheme == "http" and (settings.SANDBOX_ENABLED or _is_loopback(parts.hostname))


def check_transport_security(urls: Iterable[str]) -> None:
    """Refuse platform URLs that would send tokens in clear text to another machine."""
    for url in urls:
        if urlsplit(url).scheme != "https" and not plain_http_allowed(url):
            raise PlatformError(BUG, "the platform's URLs must use HTTPS")


_insecure_lock = threading.Lock()
_insecure_users = 0


@contextmanager
def _oauthlib_transport(allow_plain_http: bool) -> Iterator[None]:
    """Let oauthlib talk plain HTTP for the duration of a call, where it is allowed at all.

    oauthlib refuses http:// unless OAUTHLIB_INSECURE_TRANSPORT is set in the environment (read
    at each call). Rather than setting it for the whole process, it is set while calls that
    may use it are running (counted, so that concurrent calls do not unset it under each
    other) and removed afterwards. `check_transport_security` has already refused plain HTTP
    to anywhere but the sandbox.
    """
    global _insecure_users
    if not allow_plain_http:
        yield
        return
    with _insecure_lock:
        _insecure_users += 1
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        with _insecure_lock:
            _insecure_users -= 1
            if _insecure_users == 0:
                os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)


def token_error(response: requests.Response) -> PlatformError:
    """The error of a non-200 answer of the token endpoint (RFC 6749 body or platform body)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    oauth_error = body.get("error") if isinstance(body, dict) else None
    if isinstance(oauth_error, str) and oauth_error in _OAUTH_ERRORS:
        kind, message = _OAUTH_ERRORS[oauth_error]
        return PlatformError(
            kind, f"{message} (HTTP {response.status_code})", http_status=response.status_code
        )
    return error_from_response(response.status_code, response.content, response.headers)


def _from_oauthlib(exc: OAuth2Error) -> PlatformError:
    if isinstance(exc, InvalidGrantError):
        return PlatformError(REAUTH_REQUIRED, "the grant was refused (invalid_grant)")
    if isinstance(exc, InsecureTransportError):
        return PlatformError(BUG, "the platform's OAuth URLs must use HTTPS")
    return ParseError(f"the token answer was not understood ({exc.error})")


class OAuthClient:
    """The platform's OAuth endpoints for our registered service."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        authorize_url: str,
        token_url: str,
        revoke_url: str,
        redirect_uri: str,
        transport: Transport,
        scope: str = ACCOUNT_SCOPE,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.authorize_url = authorize_url
        self.token_url = token_url
        self.revoke_url = revoke_url
        self.redirect_uri = redirect_uri
        self.scope = scope
        self._transport = transport
        urls = [authorize_url, token_url, revoke_url]
        check_transport_security(urls)
        self._plain_http = any(urlsplit(url).scheme == "http" for url in urls)

    def __repr__(self) -> str:
        return f"OAuthClient(client_id={self.client_id!r}, token_url={self.token_url!r})"

    @property
    def _auth(self) -> HTTPBasicAuth:
        return HTTPBasicAuth(self.client_id, self._client_secret)

    def authorization_request(self, *, state: str | None = None) -> AuthorizationRequest:
        """The authorize URL with a fresh single-use `state` and a PKCE S256 challenge."""
        state = state or secrets.token_urlsafe(32)
        pkce = WebApplicationClient(self.client_id)
        verifier = pkce.create_code_verifier(PKCE_VERIFIER_LENGTH)
        challenge = pkce.create_code_challenge(verifier, "S256")
        with self._session() as session, _oauthlib_transport(self._plain_http):
            try:
                url, state = session.authorization_url(
                    self.authorize_url,
                    state=state,
                    code_challenge=challenge,
                    code_challenge_method="S256",
                )
            except OAuth2Error as exc:
                raise _from_oauthlib(exc) from None
        return AuthorizationRequest(url=url, state=state, code_verifier=verifier)

    def exchange_code(self, *, code: str, code_verifier: str, attempt: int = 1) -> TokenSet:
        """Trade the callback's code (and the verifier kept since the authorize step) for tokens."""
        return self._token_call(
            "token",
            attempt,
            lambda session: session.fetch_token(
                self.token_url,
                code=code,
                code_verifier=code_verifier,
                auth=self._auth,
                include_client_id=False,
                timeout=self._transport.timeout,
            ),
        )

    def refresh(self, *, refresh_token: str, attempt: int = 1) -> TokenSet:
        """New tokens for a refresh token. Where the platform rotates refresh tokens the answer
        holds a new one; where it does not, the old one stays valid and is returned again."""
        return self._token_call(
            "refresh",
            attempt,
            lambda session: session.refresh_token(
                self.token_url,
                refresh_token=refresh_token,
                auth=self._auth,
                timeout=self._transport.timeout,
            ),
        )

    def revoke(self, *, token: str, token_type_hint: str = ACCESS_TOKEN, attempt: int = 1) -> None:
        """Revoke a token (RFC 7009). A 200 is success, even for a token that was already dead."""
        try:
            self._transport.post_form(
                self.revoke_url,
                {"token": token, "token_type_hint": token_type_hint},
                auth=self._auth,
                info=CallInfo(service="revoke", attempt=attempt),
            )
        except ParseError:
            # The answer was a success status with a body we do not know; the status is what
            # RFC 7009 defines, so the token is revoked.
            return

    # --- internals ---------------------------------------------------------------------

    def _session(self, observation: Observation | None = None) -> OAuth2Session:
        session = new_session(
            OAuth2Session(self.client_id, redirect_uri=self.redirect_uri, scope=[self.scope])
        )
        if observation is not None:

            def check(response: requests.Response) -> requests.Response:
                observation.http_status = response.status_code
                self._transport.record_budget(response.headers)
                if response.status_code != 200:
                    raise token_error(response)
                return response

            session.register_compliance_hook("access_token_response", check)
            session.register_compliance_hook("refresh_token_response", check)
        return session

    def _token_call(
        self, service: str, attempt: int, call: Callable[[OAuth2Session], dict[str, Any]]
    ) -> TokenSet:
        _quiet_token_loggers()
        with observed(CallInfo(service=service, attempt=attempt)) as observation:
            self._transport.calls += 1
            with self._session(observation) as session, _oauthlib_transport(self._plain_http):
                try:
                    token = call(session)
                except Warning as warning:
                    # oauthlib raises when the granted scope differs from the requested one;
                    # the token is valid and the granted scope is what we store.
                    granted: dict[str, Any] | None = getattr(warning, "token", None)
                    if granted is None:
                        raise
                    token = granted
                except OAuth2Error as exc:
                    raise _from_oauthlib(exc) from None
            return self._token_set(token)

    def _token_set(self, token: dict[str, Any]) -> TokenSet:
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise ParseError("the token answer has no access token")
        refresh_token = token.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            refresh_token = None
        expires_in = token.get("expires_in")
        try:
            lifetime = int(expires_in) if expires_in is not None else DEFAULT_LIFETIME_SECONDS
        except (TypeError, ValueError):
            raise ParseError("the token answer's expires_in is not a number") from None
        scope = token.get("scope")
        if isinstance(scope, list | tuple):
            scope = " ".join(scope)
        return TokenSet(
            access_token=access_token,
            refresh_token=refresh_token,
            token_type=str(token.get("token_type") or "Bearer"),
            scope=str(scope or self.scope),
            expires_at=timezone.now() + datetime.timedelta(seconds=lifetime),
        )
