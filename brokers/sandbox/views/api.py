"""The platform's APIs: the common (service-link) APIs and the virtual brokers' account APIs.

Checks run in the gateway's order, each with the platform's answer:

1. the route (404 ``no Route matched with those values``) and the method (405);
2. credentials: the ``apikey`` header for the common APIs (401 ``No API key found in request`` /
   ``Invalid authentication credentials``), a live Bearer token for the account APIs (401
   ``Invalid authentication credentials``);
3. the service's daily quota (429 ``API rate limit exceeded``; headers on every answer);
4. the portal account (401/2003 when locked) and the token's scope (403/2100 without
   ``account``);
5. the request itself (415, 400/3011, 400/3003);
6. the account: 4001 not at this broker, 4003 CI and account do not match, 2100 the token's
   member does not own it, 4006 no valid consent for the token's service;
7. the broker: 6001 when it does not offer the service (``star`` has no balance or interest),
   then the query's own checks (6001, 6002, 6003, 6006, 6007, 6008, from ``render``).

The partner ``comId``/``srvId`` in the body are not checked: the platform's guide says the
sandbox does not validate them for the virtual brokers.

``X-Sandbox-As-Of: YYYYMMDD`` (sandbox only) answers as of a past date.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, NoReturn, TypedDict

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from brokers.sandbox import data, faults, jsontext, paging, ratelimit
from brokers.sandbox.identity import clean_ci
from brokers.sandbox.models import (
    ACCESS,
    Consent,
    Fault,
    FintechService,
    Member,
    OAuthToken,
    VirtualAccount,
    digest,
)
from brokers.sandbox.render.balance import balance as render_balance
from brokers.sandbox.render.envelope import NULL_PAGE, vt_acc_no_of
from brokers.sandbox.render.errors import RequestError, error_body
from brokers.sandbox.render.interest import interest as render_interest
from brokers.sandbox.render.member import consent_list, member_result
from brokers.sandbox.render.portfolio import portfolio as render_portfolio
from brokers.sandbox.render.transactions import parse_transaction_query
from brokers.sandbox.render.transactions import transaction as render_transaction
from brokers.sandbox.views.responses import (
    gateway_error,
    not_found,
    platform_json,
    read_json,
    text_json,
)
from brokers.sandbox.virtual import SERVICES, VIRTUAL_BROKERS, VirtualBroker

INVALID_CREDENTIALS = "Invalid authentication credentials"
RATE_LIMITED = "API rate limit exceeded"

# Where each paged service keeps its query in the request and its page info in the answer.
_PAGED = {
    "balance": ("balanceRequestBody", ("queryType",), "balanceResponseBody"),
    "portfolio": ("portfolioRequestBody", ("queryType",), "portfolioResponseBody"),
    "transaction": (
        "transactionHistoryRequestBody",
        ("queryParams", "queryPrams"),
        "transactionHistoryResponseBody",
    ),
}


class _Refused(Exception):
    """Stop handling a request and send this answer instead."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class _PageSizes(TypedDict):
    default_count: int
    max_count: int


def _refuse(
    status: int, body: Mapping[str, Any], headers: dict[str, str] | None = None
) -> NoReturn:
    raise _Refused(platform_json(body, status, headers))


def _page_secret() -> bytes:
    return hashlib.sha256(b"jasan-sandbox-page-keys\x00" + settings.SECRET_KEY.encode()).digest()


def _with_quota(response: HttpResponse, quota: ratelimit.Quota) -> HttpResponse:
    for name, value in quota.headers().items():
        response[name] = value
    return response


def _quota_or_429(service: FintechService) -> ratelimit.Quota:
    quota = ratelimit.usage_take(service)
    if quota.exceeded:
        headers = {**quota.headers(), "Retry-After": str(ratelimit.seconds_until_reset())}
        raise _Refused(gateway_error(429, RATE_LIMITED, headers))
    return quota


def _envelope(request: HttpRequest) -> dict[str, Any]:
    try:
        envelope = read_json(request)
    except (ValueError, UnicodeDecodeError):
        envelope = None
    if not isinstance(envelope, dict):
        _refuse(400, error_body(3011, "malformed request: body is not a JSON object", "op-apim"))
    return envelope


def _ci(envelope: Mapping[str, Any]) -> str:
    header = envelope.get("commonHeader")
    ci = clean_ci(header.get("ci")) if isinstance(header, Mapping) else ""
    if not ci:
        _refuse(400, error_body(3003, "required field missing: commonHeader.ci", "op-apim"))
    return ci


def _spoil(active: list[Fault], broker: str | None) -> None:
    """Apply latency and error faults before the answer is made."""
    slow = faults.take(active, "latency")
    if slow is not None:
        time.sleep(slow.delay_ms / 1000)
    if faults.take(active, "429"):
        _refuse(429, {"message": RATE_LIMITED}, {"Retry-After": "1"})
    error = faults.take(active, *faults.ERROR_KINDS)
    if error is not None:
        _refuse(*faults.error_answer(error.kind, broker))


def _finish(payload: Any, active: list[Fault]) -> HttpResponse:
    text = jsontext.dumps(payload)
    if faults.take(active, "malformed-json"):
        # A proxy cutting the answer short: the status says OK, the JSON does not parse.
        text = text[: len(text) // 2]
    return text_json(text)


# --- Common APIs (API key) -----------------------------------------------------------------


@csrf_exempt
def member_search(request: HttpRequest, api: str) -> HttpResponse:
    """``/v1/common/member/register/search`` and ``/v1/common/member/consent/search``."""
    if api not in ("register", "consent"):
        return not_found(request)
    if request.method != "POST":
        return gateway_error(405, "Method not allowed")
    key = (request.headers.get("apikey") or request.GET.get("apikey") or "").strip()
    if not key:
        return gateway_error(401, "No API key found in request")
    service = FintechService.objects.filter(api_key_sha256=digest(key)).first()
    if service is None:
        return gateway_error(401, INVALID_CREDENTIALS)
    try:
        quota = _quota_or_429(service)
    except _Refused as refused:
        return refused.response
    try:
        response = _member_answer(request, service, api)
    except _Refused as refused:
        response = refused.response
    return _with_quota(response, quota)


def _member_answer(request: HttpRequest, service: FintechService, api: str) -> HttpResponse:
    envelope = _envelope(request)
    active = faults.matching(api=api)
    _spoil(active, None)
    member = Member.objects.filter(ci=_ci(envelope)).first()
    if api == "register":
        return _finish(member_result(member is not None), active)
    if member is None:
        _refuse(500, error_body(3007, "no user for this CI.", "op-exco", "포털 회원이 아닙니다"))
    consents = list(
        Consent.objects.valid()
        .filter(member=member, service=service)
        .select_related("account")
        .order_by("signed_at", "id")
    )
    hidden = faults.consent_expired_accounts(
        [(c.account.vt_acc_no, c.account.broker) for c in consents]
    )
    shown = [c for c in consents if c.account.vt_acc_no not in hidden]
    items = [(c.account.virtual_broker.code, c.account.vt_acc_no, c.alias) for c in shown]
    # As the newer documents do: the service consent's last day, at the top level.
    ends = [timezone.localdate(c.expires_at - timedelta(microseconds=1)) for c in shown]
    return _finish(consent_list(items, terms_expire=min(ends, default=None)), active)


# --- Account APIs (Bearer) -----------------------------------------------------------------


def _bearer_token(request: HttpRequest) -> OAuthToken | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return (
        OAuthToken.objects.select_related("grant__member", "grant__service")
        .filter(
            token_sha256=digest(value.strip()),
            kind=ACCESS,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            grant__revoked_at__isnull=True,
        )
        .first()
    )


@csrf_exempt
def account_search(request: HttpRequest, broker: str, service_name: str) -> HttpResponse:
    """``/v1/{broker}/account/{balance|portfolio|transaction|interest}/search``."""
    virtual_broker = VIRTUAL_BROKERS.get(broker)
    if virtual_broker is None or service_name not in SERVICES:
        return not_found(request)
    if request.method != "POST":
        return gateway_error(405, "Method not allowed")
    token = _bearer_token(request)
    if token is None:
        return gateway_error(401, INVALID_CREDENTIALS, {"WWW-Authenticate": "Bearer"})
    try:
        quota = _quota_or_429(token.grant.service)
    except _Refused as refused:
        return refused.response
    try:
        response = _account_answer(request, virtual_broker, service_name, token)
    except _Refused as refused:
        response = refused.response
    except RequestError as error:
        response = platform_json(error.body(), error.status)
    return _with_quota(response, quota)


def _account_answer(
    request: HttpRequest, broker: VirtualBroker, service_name: str, token: OAuthToken
) -> HttpResponse:
    member = token.grant.member
    if member.is_locked:
        _refuse(401, error_body(2003, "portal account locked.", "op-auth", "포털 계정 잠김"))
    if "account" not in token.scopes:
        _refuse(403, error_body(2100, "authorization failed.", "op-auth", "권한 없음"))
    if (request.content_type or "").lower() != "application/json":
        _refuse(415, {"message": "Unsupported Media Type"})
    envelope = _envelope(request)
    vt_acc_no = vt_acc_no_of(envelope)
    active = faults.matching(api=service_name, broker=broker.short_name, vt_acc_no=vt_acc_no)
    ci = _ci(envelope)
    account = (
        VirtualAccount.objects.select_related("member")
        .filter(vt_acc_no=vt_acc_no, broker=broker.short_name)
        .first()
    )
    if account is None:
        _refuse(500, error_body(4001, "account not found.", "op-exco", "가상계좌 없음"))
    if account.member.ci != ci:
        _refuse(500, error_body(4003, "CI and account do not match.", "op-exco", "CI 불일치"))
    if account.member_id != member.pk:
        _refuse(403, error_body(2100, "authorization failed.", "op-auth", "권한 없음"))
    consent = Consent.objects.valid().filter(account=account, service=token.grant.service)
    if not consent.exists() or faults.take(active, "consent-expired"):
        _refuse(*faults.consent_expired_answer())
    if not broker.offers(service_name):
        _refuse(
            500,
            error_body(
                6001,
                f"service not supported: {service_name}",
                broker.short_name,
                f"{broker.kor_name}은(는) 이 서비스를 제공하지 않습니다",
            ),
        )
    _spoil(active, broker.short_name)
    payload = _render(envelope, service_name, account, broker, _as_of(request), active)
    return _finish(payload, active)


def _as_of(request: HttpRequest) -> date:
    today = timezone.localdate()
    raw = request.headers.get("X-Sandbox-As-Of", "").strip()
    if not raw:
        return today
    try:
        day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])) if len(raw) == 8 else None
    except ValueError:
        day = None
    if day is None or day > today:
        _refuse(400, {"message": "X-Sandbox-As-Of must be a date up to today, as YYYYMMDD"})
    return day


def _render(
    envelope: dict[str, Any],
    service_name: str,
    account: VirtualAccount,
    broker: VirtualBroker,
    as_of: date,
    active: list[Fault],
) -> dict[str, Any]:
    vt_acc_no, profile, secret = account.vt_acc_no, account.profile, _page_secret()
    sizes: _PageSizes = {"default_count": broker.default_count, "max_count": broker.max_count}
    page: Callable[[dict[str, Any]], dict[str, Any]]
    if service_name == "interest":
        return render_interest(envelope, data.watchlist(vt_acc_no))
    if service_name == "transaction":
        query = parse_transaction_query(envelope, max_days=broker.max_days)
        # Nothing has happened after the as-of date yet.
        txns = data.transactions_between(
            vt_acc_no, profile, query.from_date, min(query.to_date, as_of)
        )

        def page(env: dict[str, Any]) -> dict[str, Any]:
            return render_transaction(env, txns, secret=secret, max_days=broker.max_days, **sizes)

    else:
        snapshot = data.holdings_as_of(vt_acc_no, profile, as_of)
        if service_name == "balance":

            def page(env: dict[str, Any]) -> dict[str, Any]:
                return render_balance(
                    env, snapshot, secret=secret, allow_all=broker.allow_all, **sizes
                )

        else:

            def page(env: dict[str, Any]) -> dict[str, Any]:
                return render_portfolio(
                    env,
                    snapshot,
                    secret=secret,
                    allow_all=broker.allow_all,
                    allow_qty=broker.allow_qty,
                    **sizes,
                )

    return _paging_faults(envelope, service_name, page(envelope), page, active)


def _query_section(envelope: Mapping[str, Any], service_name: str) -> dict[str, Any]:
    body_name, query_names, _ = _PAGED[service_name]
    body = envelope[body_name]
    return next(body[name] for name in query_names if isinstance(body.get(name), dict))


def _paging_faults(
    envelope: dict[str, Any],
    service_name: str,
    payload: dict[str, Any],
    page: Callable[[dict[str, Any]], dict[str, Any]],
    active: list[Fault],
) -> dict[str, Any]:
    """Spoil the page key of a paged answer when a paging fault is on."""
    result = payload[_PAGED[service_name][2]]["queryResult"]
    requested = _query_section(envelope, service_name).get("page")
    if result["page"] != NULL_PAGE and faults.take(active, "drop-page"):
        # Point past the next page: its items are never delivered.
        following = copy.deepcopy(envelope)
        _query_section(following, service_name)["page"] = result["page"]
        result["page"] = page(following)[_PAGED[service_name][2]]["queryResult"]["page"]
    requested_key = None if requested is None else str(requested)
    if not paging.is_first_page(requested_key) and faults.take(active, "repeat-page"):
        result["page"] = requested_key
    return payload
