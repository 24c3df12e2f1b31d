"""The last answers of the platform's membership and link checks, per user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalCheck(models.Model):
    """The last answers of the platform's membership and link checks for one user.

    The link status page asks at most every few minutes (and on "check again"); support staff
    read the same row to see what the platform last said and when. A failed check keeps the
    previous answers and records the failure beside them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_check"
    )
    is_member = models.BooleanField(_("portal member"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    unknown_broker_codes = models.JSONField(_("unknown broker codes"), default=list, blank=True)
    terms_expire_on = models.DateField(
        _("platform consent expires on"),
        null=True,
        blank=True,
        help_text=_("commonTermsExpireDate: the platform-wide consent's last day, where sent"),
    )
    last_error_kind = models.CharField(_("last error kind"), max_length=30, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal check")
        verbose_name_plural = _("portal checks")

    def __str__(self) -> str:
        return f"portal check of user {self.user_id}"
