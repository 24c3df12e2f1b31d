"""A user's connection to the open platform: the OAuth grant, tokens encrypted at rest."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.encryption import EncryptedTextField

if TYPE_CHECKING:
    from accounts.models import User


class ConnectionQuerySet(models.QuerySet["Connection"]):
    def for_user(self, user: User) -> ConnectionQuerySet:
        return self.filter(user=user)


class Connection(models.Model):
    """One user's OAuth grant at an upstream (the open platform; bank open banking later)."""

    class Upstream(models.TextChoices):
        OPENPLATFORM = "openplatform", _("financial-investment open platform")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RECONNECT_NEEDED = "reconnect_needed", _("reconnect needed")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    upstream = models.CharField(
        _("upstream"), max_length=20, choices=Upstream.choices, default=Upstream.OPENPLATFORM
    )
    # Tokens are cleared (set to NULL) on disconnect, so that no ciphertext outlives the grant.
    access_token = EncryptedTextField(_("access token"), null=True, blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), null=True, blank=True)
    token_type = models.CharField(_("token type"), max_length=20, default="Bearer")
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    access_expires_at = models.DateTimeField(_("access token expires at"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    last_error_kind = models.CharField(_("last error kind"), max_length=30, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.UniqueConstraint(fields=["user", "upstream"], name="one_connection_per_upstream")
        ]

    def __str__(self) -> str:
        return f"{self.get_upstream_display()} connection of user {self.user_id}"

    @property
    def ci(self) -> str:
        """The user's CI, which every upstream call carries next to the token."""
        return self.user.identity.ci

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE and bool(self.access_token)

    def expires_within(self, seconds: float, *, now: datetime.datetime | None = None) -> bool:
        """Whether the access token is expired or will be within `seconds` (unknown: expired)."""
        if self.access_expires_at is None:
            return True
        now = now or timezone.now()
        return self.access_expires_at <= now + datetime.timedelta(seconds=seconds)
