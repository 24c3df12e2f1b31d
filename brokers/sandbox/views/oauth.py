"""``/auth/oauth/v2/authorize``, ``/auth/oauth/v2/token`` and ``/auth/oauth/v2/token/revoke``.

The authorization endpoint shows the portal's login form (fields ``username`` and ``password``)
unless a member is already logged in to the portal, then a consent page with two submit
buttons, ``allow`` and ``deny``. Both forms post back to the authorization URL itself, so the
request's parameters travel in its query string and are validated again on every step.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from brokers.sandbox import services
from brokers.sandbox.models import Consent, FintechService
from brokers.sandbox.oauth_server import server
from brokers.sandbox.services import PortalError
from brokers.sandbox.views import portal
from brokers.sandbox.views.responses import gateway_error

SCOPE_LABELS = {
    "account": "계좌 조회 (잔고, 거래내역, 포트폴리오, 관심종목)",
    "profile": "회원 정보",
}


def _headers(request: HttpRequest) -> dict[str, str]:
    headers = {"Content-Type": request.content_type or ""}
    if "Authorization" in request.headers:
        headers["Authorization"] = request.headers["Authorization"]
    return headers


def _answer(headers: dict[str, str], body: str | None, status: int) -> HttpResponse:
    response = HttpResponse(body or "", status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def authorize(request: HttpRequest) -> HttpResponse:
    uri = request.build_absolute_uri()
    try:
        scopes, info = server.authorization.validate_authorization_request(uri, "GET", None, {})
    except errors.FatalClientError as error:
        # A bad client_id or redirect_uri: never redirect to an address we cannot trust.
        return render(request, "sandbox/oauth/error.html", {"error": error}, status=400)
    except errors.OAuth2Error as error:
        # Past the fatal errors above, oauthlib has validated the redirect URI.
        return HttpResponseRedirect(error.in_uri(error.redirect_uri or ""))
    service: FintechService = info["request"].client
    member = portal.current_member(request)
    context: dict[str, Any] = {
        "service": service,
        "scopes": [SCOPE_LABELS.get(scope, scope) for scope in scopes],
    }

    if request.method == "POST" and "username" in request.POST:
        try:
            member = services.member_authenticate(
                portal_id=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
            )
        except PortalError as error:
            context.update(error=error, username=request.POST.get("username", ""))
            return render(request, "sandbox/oauth/login.html", context, status=401)
        portal.log_in(request, member)
        return HttpResponseRedirect(request.get_full_path())

    if request.method == "POST" and "switch" in request.POST:
        # Another person at the same browser: forget the portal member and ask again.
        request.session.pop(portal.SESSION_MEMBER, None)
        member = None
    if member is None or member.is_locked:
        return render(request, "sandbox/oauth/login.html", context)

    if request.method == "POST" and "deny" in request.POST:
        params = [("error", "access_denied"), ("error_description", "The member refused.")]
        if info.get("state"):
            params.append(("state", info["state"]))
        return HttpResponseRedirect(add_params_to_uri(info["redirect_uri"], params))
    if request.method == "POST" and "allow" in request.POST:
        headers, _body, _status = server.authorization.create_authorization_response(
            uri, "GET", None, {}, scopes, {"user": member}
        )
        return HttpResponseRedirect(headers["Location"])

    context["member"] = member
    context["linked"] = (
        Consent.objects.valid()
        .filter(member=member, service=service)
        .select_related("account")
        .order_by("signed_at")
    )
    return render(request, "sandbox/oauth/consent.html", context)


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return gateway_error(405, "Method not allowed")
    headers, body, status = server.token.create_token_response(
        request.build_absolute_uri(),
        "POST",
        request.body.decode("utf-8", "replace"),
        _headers(request),
    )
    return _answer(headers, body, status)


@csrf_exempt
def revoke(request: HttpRequest) -> HttpResponse:
    """RFC 7009 revocation, by POST (form body) or DELETE (body or query string)."""
    if request.method not in ("POST", "DELETE"):
        return gateway_error(405, "Method not allowed")
    body = request.body.decode("utf-8", "replace")
    if request.method == "DELETE" and not body:
        body = request.META.get("QUERY_STRING", "")
    headers, answer, status = server.revocation.create_revocation_response(
        request.build_absolute_uri(request.path), "POST", body, _headers(request)
    )
    if status == 200:
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
        answer = json.dumps({"result": "revoked"})
    return _answer(headers, answer, status)
