"""The platform's OAuth 2.0 authorization server, built on oauthlib's server classes.

oauthlib does the protocol (parameter checks, PKCE, error answers as RFC 6749 describes); the
``SandboxValidator`` below answers its questions from the sandbox database. The platform's rules
on top of the RFCs:

- Clients authenticate with HTTP Basic only (``client_secret_basic``); there are no public
  clients.
- ``redirect_uri`` is required and must equal one registered for the service, character for
  character; the token request must repeat the very URI the code was issued for.
- PKCE is verified whenever the authorization request carried a ``code_challenge``. Only
  ``S256`` is accepted: ``plain`` (and a challenge without a method, which RFC 7636 treats as
  ``plain``) is refused with ``invalid_request``, as RFC 9700 recommends.
- Codes live 10 minutes and are single-use: presenting a used code again revokes every token
  issued from it (RFC 6749 §4.1.2).
- Refresh tokens rotate: each refresh returns a new one and kills the old one; presenting a used
  refresh token again revokes the whole grant, every access and refresh token descended from the
  same authorization (RFC 9700 §4.14.2).
- Revocation (RFC 7009) answers 200 ``{"result": "revoked"}`` even for unknown tokens; revoking a
  refresh token revokes its grant, revoking an access token only that token.
- A portal account locked after five wrong passwords cannot refresh (``invalid_grant``, 2003).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauthlib.common import Request
from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    BearerToken,
    RequestValidator,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import AuthorizationCodeGrant, RefreshTokenGrant
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from brokers.sandbox import services
from brokers.sandbox.models import (
    ACCESS,
    REFRESH,
    AuthorizationCode,
    FintechService,
    OAuthGrant,
    OAuthToken,
    digest,
)
from brokers.sandbox.router import SANDBOX_DB

SCOPES = ("account", "profile")
# The platform's lifetimes: `account` tokens live 30 days (per service registration), `profile`
# tokens ten minutes.
PROFILE_TOKEN_SECONDS = 600


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 §2.3.1 form-encodes both before base64; most clients send them as they are.
    return unquote(client_id), unquote(secret)


class SandboxValidator(RequestValidator):
    """oauthlib's questions, answered from the sandbox's registrations, codes and tokens."""

    # --- Clients ---------------------------------------------------------------------------

    def client_authentication_required(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        return True

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        credentials = _basic_credentials(request)
        if credentials is None:
            return False
        client_id, secret = credentials
        service = FintechService.objects.filter(client_id=client_id).first()
        if service is None or not service.check_client_secret(secret):
            return False
        request.client = service
        request.client_id = client_id
        return True

    def authenticate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        return False

    def validate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        service = FintechService.objects.filter(client_id=client_id).first()
        if service is None:
            return False
        request.client = service
        return True

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Request, *a: Any, **k: Any
    ) -> bool:
        service = request.client or FintechService.objects.filter(client_id=client_id).first()
        return service is not None and redirect_uri in service.redirect_uri_list

    def get_default_redirect_uri(self, client_id: str, request: Request, *a: Any, **k: Any) -> None:
        return None  # the platform requires redirect_uri on every request

    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return response_type == "code"

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return bool(scopes) and all(scope in SCOPES for scope in scopes)

    def get_default_scopes(self, client_id: str, request: Request, *a: Any, **k: Any) -> list[str]:
        return ["account"]

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return False

    # --- Authorization codes -------------------------------------------------------------------

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *a: Any, **k: Any
    ) -> None:
        now = timezone.now()
        with transaction.atomic(using=SANDBOX_DB):
            grant = OAuthGrant.objects.create(
                service=request.client, member=request.user, scope=" ".join(request.scopes)
            )
            AuthorizationCode.objects.create(
                grant=grant,
                code_sha256=digest(code["code"]),
                redirect_uri=request.redirect_uri,
                code_challenge=request.code_challenge or "",
                code_challenge_method=request.code_challenge_method or "",
                created_at=now,
                expires_at=now + AuthorizationCode.LIFETIME,
            )

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        now = timezone.now()
        codes = AuthorizationCode.objects.filter(code_sha256=digest(code), grant__service=client)
        # Claiming the code with a conditional UPDATE makes it single-use even when two token
        # requests race: only one of them changes the row.
        claimed = codes.filter(
            used_at__isnull=True, expires_at__gt=now, grant__revoked_at__isnull=True
        ).update(used_at=now)
        stored = codes.select_related("grant__member").first()
        if not claimed:
            if stored is not None and stored.used_at is not None:
                services.grant_revoke(grant=stored.grant, reason="code reused")
            return False
        request.user = stored.grant.member
        request.scopes = stored.grant.scope.split()
        request.sandbox_grant = stored.grant
        request.sandbox_code = stored
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        return request.sandbox_code.code_challenge or None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        return request.sandbox_code.code_challenge_method or None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Request,
        *a: Any,
        **k: Any,
    ) -> bool:
        return redirect_uri == request.sandbox_code.redirect_uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *a: Any, **k: Any
    ) -> None:
        pass  # already marked used when validate_code claimed it

    # --- Tokens ----------------------------------------------------------------------------

    def save_bearer_token(self, token: dict[str, Any], request: Request, *a: Any, **k: Any) -> None:
        grant: OAuthGrant = request.sandbox_grant
        now = timezone.now()
        scope = token.get("scope") or grant.scope
        lifetimes = {
            ACCESS: int(token["expires_in"]),
            REFRESH: grant.service.refresh_token_seconds,
        }
        with transaction.atomic(using=SANDBOX_DB):
            for kind, field in ((ACCESS, "access_token"), (REFRESH, "refresh_token")):
                if token.get(field):
                    OAuthToken.objects.create(
                        grant=grant,
                        kind=kind,
                        token_sha256=digest(token[field]),
                        scope=scope,
                        created_at=now,
                        expires_at=now + timedelta(seconds=lifetimes[kind]),
                    )

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        now = timezone.now()
        tokens = OAuthToken.objects.filter(
            token_sha256=digest(refresh_token), kind=REFRESH, grant__service=client
        )
        stored = tokens.select_related("grant__member", "grant__service").first()
        if stored is None:
            return False
        if stored.grant.member.is_locked:
            raise errors.InvalidGrantError(
                description="portal account locked (2003)", request=request
            )
        claimed = tokens.filter(
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            grant__revoked_at__isnull=True,
        ).update(used_at=now)
        if not claimed:
            if stored.used_at is not None:
                # A rotated refresh token came back: someone holds a copy. Kill the family.
                services.grant_revoke(grant=stored.grant, reason="refresh token reused")
            return False
        request.user = stored.grant.member
        request.sandbox_grant = stored.grant
        request.sandbox_refresh = stored
        return True

    def get_original_scopes(self, refresh_token: str, request: Request, *a: Any, **k: Any) -> list:
        return request.sandbox_refresh.scopes

    def rotate_refresh_token(self, request: Request) -> bool:
        return True

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Request, *a: Any, **k: Any
    ) -> None:
        stored = (
            OAuthToken.objects.filter(token_sha256=digest(token), grant__service=request.client)
            .select_related("grant")
            .first()
        )
        if stored is None:
            return  # RFC 7009: an unknown token is not an error
        if stored.kind == REFRESH:
            services.grant_revoke(grant=stored.grant, reason="revoked by the client")
        else:
            OAuthToken.objects.filter(pk=stored.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )


class _CodeGrant(AuthorizationCodeGrant):
    # S256 only: see the module docstring.
    _code_challenge_methods = {"S256": code_challenge_method_s256}

    def validate_token_request(self, request: Request) -> None:
        try:
            super().validate_token_request(request)
        except errors.MismatchingRedirectURIError:
            # RFC 6749 §5.2 names invalid_grant for a redirect URI that does not match the one
            # the code was issued for; oauthlib says invalid_request.
            raise errors.InvalidGrantError(
                description="redirect_uri does not match the authorization request.",
                request=request,
            ) from None


def _access_token_seconds(request: Request) -> int:
    override = getattr(settings, "SANDBOX_ACCESS_TOKEN_SECONDS", 0)
    if request.scopes and "account" not in request.scopes:
        return PROFILE_TOKEN_SECONDS
    return override or request.client.access_token_seconds


def _without_refresh_unless_registered(token: dict, token_handler: Any, request: Request) -> dict:
    # Whether a service gets refresh tokens depends on its contract with the platform.
    if not request.client.issues_refresh_tokens:
        token.pop("refresh_token", None)
    return token


def _new_token(request: Request) -> str:
    return secrets.token_urlsafe(32)


class Server:
    """The three endpoints, wired to one validator."""

    def __init__(self) -> None:
        validator = SandboxValidator()
        bearer = BearerToken(
            validator,
            token_generator=_new_token,
            refresh_token_generator=_new_token,
            expires_in=_access_token_seconds,
        )
        code_grant = _CodeGrant(validator)
        code_grant.register_token_modifier(_without_refresh_unless_registered)
        refresh_grant = RefreshTokenGrant(validator, issue_new_refresh_tokens=True)
        self.authorization = AuthorizationEndpoint(
            default_response_type="code",
            default_token_type=bearer,
            response_types={"code": code_grant},
        )
        self.token = TokenEndpoint(
            default_grant_type="authorization_code",
            default_token_type=bearer,
            grant_types={"authorization_code": code_grant, "refresh_token": refresh_grant},
        )
        self.revocation = RevocationEndpoint(
            validator, supported_token_types=("access_token", "refresh_token")
        )


server = Server()
