"""``POST /sandbox/control/<action>``: switches for tests, over HTTP.

The live-sandbox pytest fixture (``tests/sandbox_server.py``) drives the server it started
through these, which is much faster than a management command per switch. The door exists only
when the process was started with ``SANDBOX_CONTROL_TOKEN`` set, and every call must carry it in
``X-Sandbox-Control``; otherwise every action answers 404. ``make run`` opens it too, and
``manage.py sandbox_fault`` talks to the running sandbox through it (``brokers/sandbox/door.py``);
without a running sandbox that command calls these same functions in-process.

Actions (JSON body → JSON answer):

- ``reset`` {} → faults cleared, every service's daily counter and limit back to default.
- ``fault`` {kind, broker?, vt_acc_no?, api?, times?, delay_ms?} → {id, description}
- ``faults`` {} → {faults: [{id, kind, broker, vt_acc_no, api, remaining, fired, description}]}
- ``faults/clear`` {broker?, vt_acc_no?} → {cleared}
- ``budget`` {client_id?, limit?, remaining?} → {client_id, limit, remaining}
- ``token/expire`` {token} → {expired}
- ``code/expire`` {code} → {expired}
- ``consent/expire`` {vt_acc_no, client_id?} → {expired}
- ``service`` {client_id?, redirect_uris?, return_urls?, issues_refresh_tokens?,
  access_token_seconds?} → {client_id, redirect_uris, return_urls}
- ``member`` {kor_name, birth_date, phone, portal_id, password, accounts?: [{broker, profile?,
  alias?, linked?}], client_id?} → {ci, portal_id, accounts: [{broker, vt_acc_no, com_id}]}
- ``member/lock``, ``member/unlock`` {portal_id} → {}
- ``personas`` {} → {} (restores every persona as ``sandbox_seed`` does)

``client_id`` defaults to the app's development registration.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from brokers.sandbox import faults, ratelimit, services
from brokers.sandbox.models import Fault, FintechService, Member
from brokers.sandbox.router import SANDBOX_DB
from brokers.sandbox.services import PortalError
from brokers.sandbox.views.responses import gateway_error, not_found, platform_json, read_json
from brokers.sandbox.virtual import VIRTUAL_BROKERS

Action = Callable[[dict[str, Any]], dict[str, Any]]


def _service(fields: dict[str, Any]) -> FintechService:
    return services.default_service(fields.get("client_id"))


def _reset(fields: dict[str, Any]) -> dict[str, Any]:
    services.sandbox_reset()
    return {}


def _fault(fields: dict[str, Any]) -> dict[str, Any]:
    fault = faults.fault_set(
        kind=str(fields.get("kind", "")),
        broker=str(fields.get("broker") or ""),
        vt_acc_no=str(fields.get("vt_acc_no") or ""),
        api=str(fields.get("api") or ""),
        times=fields.get("times"),
        delay_ms=int(fields.get("delay_ms") or 0),
    )
    return {"id": fault.pk, "description": str(fault)}


def _faults(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "faults": [
            {
                "id": f.pk,
                "kind": f.kind,
                "broker": f.broker,
                "vt_acc_no": f.vt_acc_no,
                "api": f.api,
                "remaining": f.remaining,
                "fired": f.fired,
                "description": str(f),
            }
            for f in Fault.objects.all()
        ]
    }


def _faults_clear(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "cleared": faults.faults_clear(
            broker=fields.get("broker") or None, vt_acc_no=fields.get("vt_acc_no") or None
        )
    }


def _budget(fields: dict[str, Any]) -> dict[str, Any]:
    service = _service(fields)
    quota = ratelimit.budget_set(
        service, limit=fields.get("limit"), remaining=fields.get("remaining")
    )
    return {"client_id": service.client_id, "limit": quota.limit, "remaining": quota.remaining}


def _token_expire(fields: dict[str, Any]) -> dict[str, Any]:
    return {"expired": services.token_expire(token=str(fields.get("token", "")))}


def _code_expire(fields: dict[str, Any]) -> dict[str, Any]:
    return {"expired": services.code_expire(code=str(fields.get("code", "")))}


def _consent_expire(fields: dict[str, Any]) -> dict[str, Any]:
    expired = services.consent_expire(
        vt_acc_no=str(fields.get("vt_acc_no", "")), client_id=fields.get("client_id")
    )
    return {"expired": expired}


def _service_update(fields: dict[str, Any]) -> dict[str, Any]:
    service = _service(fields)
    for name in ("issues_refresh_tokens", "access_token_seconds"):
        if name in fields:
            setattr(service, name, fields[name])
    service.save()
    services.service_add_uris(
        service=service,
        redirect_uris=fields.get("redirect_uris") or (),
        return_urls=fields.get("return_urls") or (),
    )
    return {
        "client_id": service.client_id,
        "redirect_uris": service.redirect_uri_list,
        "return_urls": service.return_url_list,
    }


@transaction.atomic(using=SANDBOX_DB)
def _member(fields: dict[str, Any]) -> dict[str, Any]:
    member = services.member_sign_up(
        kor_name=str(fields.get("kor_name", "")),
        birth_date=str(fields.get("birth_date", "")),
        phone=str(fields.get("phone", "")),
        portal_id=str(fields.get("portal_id", "")),
        password=str(fields.get("password", "")),
    )
    service = _service(fields)
    accounts = []
    for spec in fields.get("accounts") or []:
        account = services.account_issue(
            member=member,
            broker=spec["broker"],
            profile=spec.get("profile") or "default",
            nickname=spec.get("alias", ""),
        )
        if spec.get("linked", True):
            services.consent_link(
                member=member,
                service=service,
                links=[services.LinkRequest(account, spec.get("alias", ""))],
            )
        broker = VIRTUAL_BROKERS[account.broker]
        accounts.append(
            {"broker": broker.short_name, "vt_acc_no": account.vt_acc_no, "com_id": broker.code}
        )
    return {"ci": member.ci, "portal_id": member.portal_id, "accounts": accounts}


def _member_lock(fields: dict[str, Any]) -> dict[str, Any]:
    services.member_lock(member=Member.objects.get(portal_id=fields.get("portal_id")))
    return {}


def _member_unlock(fields: dict[str, Any]) -> dict[str, Any]:
    services.member_unlock(member=Member.objects.get(portal_id=fields.get("portal_id")))
    return {}


def _personas(fields: dict[str, Any]) -> dict[str, Any]:
    services.personas_seed()
    return {}


ACTIONS: dict[str, Action] = {
    "reset": _reset,
    "fault": _fault,
    "faults": _faults,
    "faults/clear": _faults_clear,
    "budget": _budget,
    "token/expire": _token_expire,
    "code/expire": _code_expire,
    "consent/expire": _consent_expire,
    "service": _service_update,
    "member": _member,
    "member/lock": _member_lock,
    "member/unlock": _member_unlock,
    "personas": _personas,
}


@csrf_exempt
def control(request: HttpRequest, action: str) -> HttpResponse:
    expected = getattr(settings, "SANDBOX_CONTROL_TOKEN", "")
    given = request.headers.get("X-Sandbox-Control", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return not_found(request)
    handler = ACTIONS.get(action)
    if handler is None:
        return not_found(request)
    if request.method != "POST":
        return gateway_error(405, "Method not allowed")
    try:
        fields = read_json(request) if request.body else {}
    except (ValueError, UnicodeDecodeError):
        fields = None
    if not isinstance(fields, dict):
        return gateway_error(400, "the body must be a JSON object")
    try:
        return platform_json(handler(fields))
    except (PortalError, ValueError, KeyError, TypeError) as error:
        message = error.message if isinstance(error, PortalError) else str(error)
        return gateway_error(400, message)
    except (FintechService.DoesNotExist, Member.DoesNotExist) as error:
        return gateway_error(404, str(error))
