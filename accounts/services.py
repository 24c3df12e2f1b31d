"""Writes about our users: identity verification and the activity log."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.encryption import blind_indexes
from accounts.identity import IdentityVerificationError, VerifiedIdentity
from accounts.models import ActivityEvent, Identity, User

IDENTITY_HELD_MESSAGE = _(
    "This identity is already verified on another Jasan account. One person can have one "
    "account: sign in with that one, or ask support to move your identity to this account."
)


class IdentityAlreadyHeld(IdentityVerificationError):
    """Another user already holds this CI. Nothing about that user is said."""

    def __init__(self) -> None:
        super().__init__(str(IDENTITY_HELD_MESSAGE))


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
    """Store (or replace) the user's verified CI and Korean name, encrypted, and log it.

    A CI already held by another user is refused with `IdentityAlreadyHeld` (the unique blind
    index settles a race between two verifications of the same person)."""
    held = (
        Identity.objects.filter(ci_index__in=blind_indexes(identity.ci)).exclude(user=user).exists()
    )
    if held:
        raise IdentityAlreadyHeld
    try:
        with transaction.atomic():
            record, _created = Identity.objects.update_or_create(
                user=user,
                defaults={
                    "ci": identity.ci,
                    "korean_name": identity.korean_name,
                    "verified_at": timezone.now(),
                },
            )
    except IntegrityError:
        raise IdentityAlreadyHeld from None
    activity_record(user=user, kind=ActivityEvent.Kind.IDENTITY_VERIFIED, request=request)
    return record
