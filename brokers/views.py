"""The link journey's pages: status with one next step, check again, connect, callback, disconnect.

OAuth `state` is bound to the user's server-side session, single use and valid ten minutes; the
PKCE verifier is kept next to it and never leaves the server. Every callback failure (declined
consent, forged or reused state, a replayed code, a callback reaching another user) answers with
a clear message and stores nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import ActivityEvent
from accounts.services import activity_record, client_ip
from brokers.clients import get_upstream
from brokers.errors import PlatformError
from brokers.link_status import link_status_for_user
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.selectors import connection_for_user
from brokers.services import connection_connect, connection_disconnect
from brokers.standing.journey import Step
from brokers.sync_requests import sync_request

logger = logging.getLogger(__name__)

PENDING_KEY = "jasan_oauth_pending"
STATE_TTL_SECONDS = 10 * 60
# The portal sends the user back to the link page with this query: what they did there (sign
# up, issue or link accounts, renew consent) is checked at once, without a click.
RETURNED_FLAG = "returned"
RETURNED_QUERY = f"?{RETURNED_FLAG}=portal"


def _portal_url(request: AuthenticatedHttpRequest, page: str = "") -> str:
    """A portal page, with our service named and a way back to the link status page."""
    query = urlencode(
        {
            "service": settings.OPENPLATFORM_CLIENT_ID,
            "return_url": request.build_absolute_uri(reverse("link_status") + RETURNED_QUERY),
        }
    )
    return f"{settings.OPENPLATFORM_PORTAL_URL.rstrip('/')}/{page}?{query}"


@login_required
@require_GET
def link_status(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.GET.get(RETURNED_FLAG) == "portal":
        # Back from the portal: check now, then show the page at its plain address, so that a
        # reload does not ask the platform again.
        link_status_for_user(request.user, request=request, force_check=True)
        return redirect("link_status")
    status = link_status_for_user(request.user, request=request)
    context = {
        "status": status,
        "Step": Step,
        "portal_signup_url": _portal_url(request, "signup/"),
        "portal_link_url": _portal_url(request, "link/"),
        "portal_home_url": _portal_url(request),
    }
    return render(request, "brokers/link_status.html", context)


@login_required
@require_POST
def check_again(request: AuthenticatedHttpRequest) -> HttpResponse:
    link_status_for_user(request.user, request=request, force_check=True)
    return redirect("link_status")


@login_required
@require_POST
def connect(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = link_status_for_user(request.user, request=request)
    if status.step not in (Step.CONNECT, Step.RECONNECT, Step.CONNECTED):
        messages.warning(request, _("Finish the steps above before connecting."))
        return redirect("link_status")
    authorization = get_upstream().authorization_url()
    now = time.time()
    pending: dict[str, dict[str, Any]] = {
        state: entry
        for state, entry in request.session.get(PENDING_KEY, {}).items()
        if now - entry["created"] < STATE_TTL_SECONDS
    }
    pending[authorization.state] = {
        "verifier": authorization.code_verifier,
        "user": request.user.pk,
        "created": now,
        "reconnect": status.connection is not None,
    }
    request.session[PENDING_KEY] = pending
    return redirect(authorization.url)


def _callback_failed(
    request: AuthenticatedHttpRequest, message: str, *, status: int = 400
) -> HttpResponse:
    return render(request, "brokers/callback_failed.html", {"message": message}, status=status)


@login_required
@require_GET
def callback(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    pending = request.session.get(PENDING_KEY, {})
    # Single use: the state is consumed whatever happens next.
    entry = pending.pop(state, None) if state else None
    request.session[PENDING_KEY] = pending
    if entry is None:
        logger.warning("OAuth callback with unknown or reused state, user %s", request.user.pk)
        return _callback_failed(
            request,
            _(
                "This answer from the portal does not match a connection you started here, or it "
                "was already used. Nothing was changed. Start connecting again from this page."
            ),
        )
    if entry["user"] != request.user.pk:
        return _callback_failed(
            request,
            _("This answer belongs to a connection started by another user. Nothing was changed."),
            status=403,
        )
    if time.time() - entry["created"] >= STATE_TTL_SECONDS:
        return _callback_failed(
            request,
            _("More than ten minutes passed since you started connecting. Please start again."),
        )
    error = request.GET.get("error")
    if error == "access_denied":
        return _callback_failed(
            request,
            _(
                "You declined to give Jasan access at the portal, so nothing was connected. "
                "You can connect whenever you are ready."
            ),
            status=200,
        )
    code = request.GET.get("code", "")
    if error or not code:
        return _callback_failed(
            request, _("The portal did not grant access. Nothing was changed. Please try again.")
        )
    try:
        connection_connect(user=request.user, code=code, code_verifier=entry["verifier"])
    except PlatformError as exc:
        logger.warning("OAuth code exchange failed for user %s: %s", request.user.pk, exc.kind)
        return _callback_failed(
            request,
            _(
                "The portal did not accept this connection (the answer may have been used "
                "already). Nothing was changed. Please start connecting again."
            ),
        )
    kind = ActivityEvent.Kind.RECONNECTED if entry["reconnect"] else ActivityEvent.Kind.CONNECTED
    activity_record(user=request.user, kind=kind, request=request)
    # The first sync starts now, not at the next nightly run (through the sync's one enqueue
    # service: `brokers` does not import the sync, which sits above it).
    sync_request(user=request.user, trigger=SyncRun.Trigger.USER, ip_address=client_ip(request))
    messages.success(request, _("Connected. Your accounts will appear after the first sync."))
    return redirect("link_status")


@login_required
@require_http_methods(["GET", "POST"])
def disconnect(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET asks for confirmation (what disconnecting does, keep or delete the data); only the
    POST from that page disconnects."""
    connection = connection_for_user(request.user)
    if connection is None or connection.status == Connection.Status.REVOKED:
        return redirect("link_status")
    if request.method == "GET":
        accounts = LinkedAccount.objects.for_user(request.user).select_related("broker")
        return render(request, "brokers/disconnect_confirm.html", {"accounts": accounts})
    delete_data = request.POST.get("data") == "delete"
    connection_disconnect(connection_id=connection.pk)
    if delete_data:
        # Synced data hangs off the linked accounts, so deleting them deletes it; the accounts
        # themselves reappear (without data) on the next check while still linked at the portal.
        LinkedAccount.objects.for_user(request.user).delete()
    activity_record(
        user=request.user,
        kind=ActivityEvent.Kind.DISCONNECTED,
        request=request,
        data="deleted" if delete_data else "kept",
    )
    messages.success(
        request,
        _("Disconnected. Jasan's access was revoked at the platform and its tokens deleted."),
    )
    return redirect("link_status")
