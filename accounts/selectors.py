"""Reads about our users for pages."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from accounts.models import ActivityEvent, Identity, User


def user_has_verified_email(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=user.email).exists()


def identity_for_user(user: User) -> Identity | None:
    return Identity.objects.filter(user=user).first()


def activity_for_user(user: User, *, limit: int = 200) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(user=user).select_related("actor")[:limit]
