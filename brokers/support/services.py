"""Writes the support console makes: its audit trail, a re-check at the platform, a queued sync."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from accounts.models import ActivityEvent, SupportAudit, User
from accounts.selectors import identity_for_user
from accounts.services import activity_record, client_ip
from brokers.link_status import portal_check_refresh
from brokers.models import LinkedAccount, PortalCheck, SyncRun
from brokers.sync_requests import account_sync_request

# What each audited action shows in the user's own activity log. A search names no user.
_USER_EVENT: dict[str, str] = {
    SupportAudit.Action.VIEWED: ActivityEvent.Kind.SUPPORT_VIEWED,
    SupportAudit.Action.PORTAL_CHECKED: ActivityEvent.Kind.SUPPORT_ACTION,
    SupportAudit.Action.SYNC_QUEUED: ActivityEvent.Kind.SUPPORT_ACTION,
}


@transaction.atomic
def support_audit_record(
    *,
    actor: User,
    action: str,
    request: HttpRequest,
    user: User | None = None,
    **detail: Any,
) -> SupportAudit:
    """Record what a staff member did, from where; tell the user concerned in their log.

    The user's entry names the action and the time but carries no address or browser: those
    are the staff member's, not the user's, and stay in the audit row.
    """
    audit = SupportAudit.objects.create(
        actor=actor,
        actor_email=actor.email,
        user=user,
        action=action,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        detail=detail,
    )
    if user is not None and action in _USER_EVENT:
        public: dict[str, Any] = {"action": action} if action != SupportAudit.Action.VIEWED else {}
        if "account" in detail:
            public["account"] = detail["account"]
        activity_record(user=user, kind=_USER_EVENT[action], actor=actor, **public)
    return audit


def support_portal_recheck(*, actor: User, user: User, request: HttpRequest) -> PortalCheck | None:
    """Ask the platform now whether the user is a member and which accounts they linked.

    The platform is asked as for background work (our server's address, not the staff
    member's: the platform wants the device of the person whose data it is, and that is not
    support's). Returns None when the user has no verified identity to ask with.
    """
    identity = identity_for_user(user)
    if identity is None:
        support_audit_record(
            actor=actor,
            action=SupportAudit.Action.PORTAL_CHECKED,
            request=request,
            user=user,
            result="no identity",
        )
        return None
    check = portal_check_refresh(user=user, identity=identity, request=None)
    result = check.last_error_kind or ("member" if check.is_member else "non-member")
    support_audit_record(
        actor=actor,
        action=SupportAudit.Action.PORTAL_CHECKED,
        request=request,
        user=user,
        result=result,
    )
    return check


def support_account_label(account: LinkedAccount) -> str:
    """How the console and the logs name an account: broker and masked ending only."""
    return f"{account.broker.korean_name} {account.number_display}"


@transaction.atomic
def support_sync_queue(
    *, actor: User, account: LinkedAccount, request: HttpRequest
) -> tuple[SyncRun, bool]:
    """Queue a sync of the account on support's behalf, audited; True if a run was queued.

    An account with a run already queued or running gets no second one: that run is returned
    (with False), as "sync now" does (`brokers.sync_requests`). The run is queued even when the
    user has no active connection: the task records why it skipped, where support looks.
    """
    run, queued = account_sync_request(account=account, trigger=SyncRun.Trigger.SUPPORT)
    support_audit_record(
        actor=actor,
        action=SupportAudit.Action.SYNC_QUEUED,
        request=request,
        user=account.user,
        account=support_account_label(account),
        run=run.pk,
        queued=queued,
    )
    return run, queued
