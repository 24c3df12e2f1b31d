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
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from weakref import WeakKeyDictionary

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
from oauthlib.oauth2.rfc6749.tokens import TokenBase

from brokers.sandbox import services
from brokers.sandbox.models import (
    ACCESS,
    REFRESH,
    AuthorizationCode,
    FintechService,
    Member,
    OAuthGrant,
    OAuthToken,
    digest,
)
from brokers.sandbox.router import SANDBOX_DB

if TYPE_CHECKING:
    from oauthlib.oauth2.rfc6749.request_validator import _AuthorizationCode, _BearerToken

SCOPES = ("account", "profile")
# The platform's lifetimes: `account` tokens live 30 days (per service registration), `profile`
# tokens ten minutes.
PROFILE_TOKEN_SECONDS = 600


@dataclass(frozen=True)
class _Claim:
    """What validating a code or a refresh token claimed, for the later steps of that request."""

    grant: OAuthGrant
    code: AuthorizationCode | None = None
    refresh: OAuthToken | None = None


# oauthlib hands the same Request to every step of one token request; a claim lives as long as
# its request does.
_claims: WeakKeyDictionary[Request, _Claim] = WeakKeyDictionary()


def _code_of(request: Request) -> AuthorizationCode:
    code = _claims[request].code
    if code is None:
        raise errors.InvalidGrantError(request=request)
    return code


def _service_of(request: Request) -> FintechService:
    """The registration the client authenticated as (oauthlib asks about the client first)."""
    if not isinstance(request.client, FintechService):
        raise errors.InvalidClientError(request=request)
    return request.client


def _member_of(request: Request) -> Member:
    """The portal member who consented (the authorization view passes them as `user`)."""
    if not isinstance(request.user, Member):
        raise errors.AccessDeniedError(request=request)
    return request.user


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

    # oauthlib reads None as "no default"; its stubs say str.
    def get_default_redirect_uri(  # type: ignore[override]
        self, client_id: str, request: Request, *a: Any, **k: Any
    ) -> None:
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
        self, client_id: str, code: _AuthorizationCode, request: Request, *a: Any, **k: Any
    ) -> None:
        now = timezone.now()
        with transaction.atomic(using=SANDBOX_DB):
            grant = OAuthGrant.objects.create(
                service=_service_of(request),
                member=_member_of(request),
                scope=" ".join(request.scopes or ()),
            )
            AuthorizationCode.objects.create(
                grant=grant,
                code_sha256=digest(code["code"]),
                redirect_uri=request.redirect_uri or "",
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
        if not claimed or stored is None:
            if stored is not None and stored.used_at is not None:
                services.grant_revoke(grant=stored.grant, reason="code reused")
            return False
        request.user = stored.grant.member
        request.scopes = stored.grant.scope.split()
        _claims[request] = _Claim(grant=stored.grant, code=stored)
        return True

    # oauthlib reads None as "no PKCE for this code"; its stubs say str.
    def get_code_challenge(self, code: str, request: Request) -> str | None:  # type: ignore[override]
        return _code_of(request).code_challenge or None

    def get_code_challenge_method(  # type: ignore[override]
        self, code: str, request: Request
    ) -> str | None:
        return _code_of(request).code_challenge_method or None

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
        return redirect_uri == _code_of(request).redirect_uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *a: Any, **k: Any
    ) -> None:
        pass  # already marked used when validate_code claimed it

    # --- Tokens ----------------------------------------------------------------------------

    def save_bearer_token(self, token: _BearerToken, request: Request, *a: Any, **k: Any) -> None:
        grant = _claims[request].grant
        now = timezone.now()
        scope = token.get("scope") or grant.scope
        issued = (
            (ACCESS, token["access_token"], int(token["expires_in"])),
            (REFRESH, token.get("refresh_token"), grant.service.refresh_token_seconds),
        )
        with transaction.atomic(using=SANDBOX_DB):
            for kind, value, lifetime in issued:
                if value:
                    OAuthToken.objects.create(
                        grant=grant,
                        kind=kind,
                        token_sha256=digest(value),
                        scope=scope,
                        created_at=now,
                        expires_at=now + timedelta(seconds=lifetime),
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
        _claims[request] = _Claim(grant=stored.grant, refresh=stored)
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Request, *a: Any, **k: Any
    ) -> list[str]:
        refresh = _claims[request].refresh
        return refresh.scopes if refresh is not None else []

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
    return override or _service_of(request).access_token_seconds


def _without_refresh_unless_registered(
    token: dict[str, Any], token_handler: TokenBase | None, request: Request | None
) -> dict[str, Any]:
    # Whether a service gets refresh tokens depends on its contract with the platform.
    if request is None or not _service_of(request).issues_refresh_tokens:
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
            # oauthlib's own servers pass the token handler here; its stubs say str.
            default_token_type=bearer,  # type: ignore[arg-type]
            response_types={"code": code_grant},
        )
        self.token = TokenEndpoint(
            default_grant_type="authorization_code",
            default_token_type=bearer,  # type: ignore[arg-type]
            grant_types={"authorization_code": code_grant, "refresh_token": refresh_grant},
        )
        self.revocation = RevocationEndpoint(
            validator, supported_token_types=("access_token", "refresh_token")
        )


server = Server()
