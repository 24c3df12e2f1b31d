"""The support console's pages, for staff with the Support or Admin role, and the service
overview for admins. Every page about a user and every action is audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import SupportAudit
from accounts.roles import CONSOLE_PERMISSION, OVERVIEW_PERMISSION
from brokers.models import LinkedAccount
from brokers.models.accounts import SyncProblem
from brokers.support.selectors import (
    service_overview,
    support_account,
    support_case_for_user,
    support_user,
    support_user_find,
)
from brokers.support.services import (
    support_account_label,
    support_audit_record,
    support_portal_recheck,
    support_sync_queue,
)

SEARCH_LENGTH = 254  # an e-mail address at most

View = Callable[..., HttpResponse]


def _staff_only(permission: str) -> Callable[[View], View]:
    """Signed out: to the sign-in page. Signed in without the permission: 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        @permission_required(permission, raise_exception=True)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@_staff_only(CONSOLE_PERMISSION)
@require_GET
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    if query:
        found = support_user_find(query)
        support_audit_record(
            actor=request.user,
            action=SupportAudit.Action.SEARCHED,
            request=request,
            user=found,
            query=query,
            found=found is not None,
        )
        if found is not None:
            return redirect("support_user", user_id=found.pk)
    return render(request, "support/console.html", {"query": query, "not_found": bool(query)})


@_staff_only(CONSOLE_PERMISSION)
@require_GET
def user_case(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    user = support_user(user_id)
    support_audit_record(
        actor=request.user, action=SupportAudit.Action.VIEWED, request=request, user=user
    )
    case = support_case_for_user(user)
    return render(request, "support/user.html", {"case": case})


@_staff_only(CONSOLE_PERMISSION)
@require_POST
def recheck(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    user = support_user(user_id)
    check = support_portal_recheck(actor=request.user, user=user, request=request)
    if check is None:
        messages.warning(request, _("The user has no verified identity to check with."))
    elif check.last_error_kind:
        messages.warning(
            request,
            _("The platform did not answer (%(kind)s). The previous answers are kept.")
            % {"kind": check.last_error_kind},
        )
    else:
        messages.success(request, _("Checked with the platform just now."))
    return redirect("support_user", user_id=user.pk)


@_staff_only(CONSOLE_PERMISSION)
@require_POST
def sync(request: AuthenticatedHttpRequest, user_id: int, account_id: int) -> HttpResponse:
    user = support_user(user_id)
    account = support_account(user, account_id)
    _run, queued = support_sync_queue(actor=request.user, account=account, request=request)
    label = {"account": support_account_label(account)}
    if queued:
        messages.success(request, _("A sync of %(account)s is queued: see its run below.") % label)
    else:
        messages.info(
            request, _("A sync of %(account)s is already queued or running: see below.") % label
        )
    return redirect("support_user", user_id=user.pk)


@_staff_only(OVERVIEW_PERMISSION)
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    figures = service_overview(now=now)
    context = {
        **admin.site.each_context(request),
        "title": _("Service overview"),
        "overview": figures,
        "overview_time": now,
        "account_rows": [
            (status.value, status.label, figures.accounts_by_state[status])
            for status in LinkedAccount.Status
        ],
        "problem_rows": [
            (problem.value, problem.label, figures.accounts_by_problem.get(problem, 0))
            for problem in SyncProblem
        ],
    }
    return render(request, "support/overview.html", context)
