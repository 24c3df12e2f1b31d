""" "Sync now" and the progress the pages poll while it runs.

"Sync now" queues a sync of each of the user's accounts (or of one), at most once a minute per
user: the platform's call budget is shared by every user, and a sync within a minute would
mostly be answered from the client's short cache anyway. The progress fragment shows each
account's latest run (queued, running, succeeded, failed) and polls itself with htmx every
two seconds until no sync is queued or running; without JavaScript the page refreshes itself.
"""

from __future__ import annotations

import math
import time

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.ids import id_or_404
from accounts.services import client_ip
from brokers.models import LinkedAccount
from portfolio.demo_progress import history_progress_get
from portfolio.sync.enqueue import sync_enqueue
from portfolio.sync.progress import sync_progress_for_user

SYNC_NOW_INTERVAL_SECONDS = 60


def _account_id(request: AuthenticatedHttpRequest, value: str | None) -> int | None:
    """The id of one of the user's linked accounts named by the request; 404 for anything
    else (another user's account, a number that is not one)."""
    if not value:
        return None
    account_id = id_or_404(value)
    if not LinkedAccount.objects.for_user(request.user).filter(pk=account_id).exists():
        raise Http404
    return account_id


def _seconds_to_wait(user_id: int) -> int:
    """0 when the user may sync now (and the minute starts), else the seconds left of it.
    The cache is Redis, shared by every web process, and `add` is atomic."""
    key = f"sync:now:{user_id}"
    now = time.time()
    if cache.add(key, repr(now), SYNC_NOW_INTERVAL_SECONDS):
        return 0
    started = float(cache.get(key) or now)
    return max(1, math.ceil(SYNC_NOW_INTERVAL_SECONDS - (now - started)))


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _progress(
    request: AuthenticatedHttpRequest, account_id: int | None, *, wait: int = 0, status: int = 200
) -> HttpResponse:
    accounts = sync_progress_for_user(request.user, account_id=account_id)
    context = {
        "accounts": accounts,
        "active": any(item.is_active for item in accounts),
        "account_id": account_id,
        "wait": wait,
    }
    template = "sync/_progress.html" if _is_htmx(request) else "sync/progress.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def sync_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    account_id = _account_id(request, request.POST.get("account"))
    wait = _seconds_to_wait(request.user.pk)
    if wait:
        # htmx does not swap error answers by default, so the fragment says it with a 200;
        # a plain form gets the status that means "too many requests".
        return _progress(request, account_id, wait=wait, status=200 if _is_htmx(request) else 429)
    sync_enqueue(user=request.user, account_id=account_id, ip_address=client_ip(request))
    if _is_htmx(request):
        return _progress(request, account_id)
    response = redirect("sync_progress")
    if account_id is not None:
        response["Location"] += f"?account={account_id}"
    return response


@login_required
@require_GET
def sync_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _progress(request, _account_id(request, request.GET.get("account")))


@login_required
@require_GET
def history_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The demo history banner (portfolio/demo_progress.py); once the history is built, htmx is
    told to reload the page, which then shows all of it."""
    progress = history_progress_get(request.user.pk)
    response = render(request, "portfolio/_history_progress.html", {"progress": progress})
    if progress is None or not progress.active:
        response["HX-Refresh"] = "true"
    return response
