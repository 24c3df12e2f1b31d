"""The notices sent about a consent or a grant coming to its end."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpiryNotice(models.Model):
    """An expiry e-mail sent to a user, so that each warning goes out once.

    `due_on` is the day the access or consent ends; a later grant with another end date gets
    its own notices.
    """

    class Kind(models.TextChoices):
        ACCESS_EXPIRING = "access_expiring", _("access expiring")
        ACCESS_EXPIRED = "access_expired", _("access expired")
        CONSENT_EXPIRING = "consent_expiring", _("consent expiring")
        CONSENT_EXPIRED = "consent_expired", _("consent expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry notice")
        verbose_name_plural = _("expiry notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "due_on"], name="one_notice_per_due")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} ({self.due_on})"
