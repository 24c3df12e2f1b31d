from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.encryption import EncryptedTextField
from accounts.managers import UserManager


class User(AbstractUser):
    """A Jasan user. The e-mail address is the login; there is no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Identity(models.Model):
    """The result of a user's identity verification: their CI and Korean name, encrypted.

    The CI (connecting information) ties our user to the open platform's member; both values are
    personal data, so they are stored encrypted and never shown back in full.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity"
    )
    ci = EncryptedTextField(_("CI"))
    korean_name = EncryptedTextField(_("Korean name"))
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return f"identity of user {self.user_id}"

    @property
    def masked_ci(self) -> str:
        return f"{self.ci[:4]}…{self.ci[-2:]}" if self.ci else ""
