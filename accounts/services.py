"""Writes about our users: identity verification and the activity log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.identity import VerifiedIdentity
from accounts.models import ActivityEvent, Identity, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def activity_record(
    *,
    user: User,
    kind: str,
    request: HttpRequest | None = None,
    actor: User | None = None,
    **detail: Any,
) -> ActivityEvent:
    """Add one event to a user's activity log, with where it came from when a request caused it."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""
    return ActivityEvent.objects.create(
        user=user,
        kind=kind,
        ip_address=client_ip(request),
        user_agent=agent,
        actor=actor,
        detail=detail,
    )


@transaction.atomic
def identity_verify(
    *, user: User, identity: VerifiedIdentity, request: HttpRequest | None = None
) -> Identity:
    """Store (or replace) the user's verified CI and Korean name, encrypted, and log it."""
    record, _ = Identity.objects.update_or_create(
        user=user,
        defaults={
            "ci": identity.ci,
            "korean_name": identity.korean_name,
            "verified_at": timezone.now(),
        },
    )
    activity_record(user=user, kind=ActivityEvent.Kind.IDENTITY_VERIFIED, request=request)
    return record
