"""The broker registry, a user's connection to the open platform, and their linked accounts.

`Broker` rows are data an admin edits (which brokers exist, which accept `ALL`, known limits),
filled by a data migration from the platform's published table. `Connection` holds the OAuth
grant of one user (tokens encrypted at rest). `LinkedAccount` is one virtual account the user
linked to our service at the platform's portal.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.encryption import EncryptedTextField
from brokers.logging import mask_account


class BrokerQuerySet(models.QuerySet["Broker"]):
    def listed(self) -> BrokerQuerySet:
        """Brokers a user may meet: active ones; virtual ones only where the sandbox runs."""
        queryset = self.filter(is_active=True)
        if not settings.SANDBOX_ENABLED:
            queryset = queryset.filter(is_virtual=False)
        return queryset


class Broker(models.Model):
    """A financial-investment company reachable through the open platform."""

    class Status(models.TextChoices):
        PROVIDED = "provided", _("provided")  # 제공: its account APIs are live
        CONTRACTED = "contracted", _("contracted")  # 계약완료: signed, not yet live

    code = models.CharField(_("code"), max_length=5, unique=True, help_text=_("five digits"))
    short_name = models.SlugField(
        _("short name"), max_length=40, unique=True, help_text=_("path segment in API URLs")
    )
    korean_name = models.CharField(_("Korean name"), max_length=60)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    supports_all = models.BooleanField(
        _("accepts assetType ALL"),
        default=False,
        help_text=_("balance and portfolio answer every asset type in one call"),
    )
    has_balance = models.BooleanField(
        _("offers the balance service"),
        default=True,
        help_text=_("without it only portfolio ratios and transactions can be read"),
    )
    max_transaction_days = models.PositiveSmallIntegerField(
        _("longest transaction window (days)"),
        null=True,
        blank=True,
        help_text=_("empty when unknown; longer windows are split before asking"),
    )
    page_size = models.PositiveSmallIntegerField(
        _("items per page to ask for"),
        default=0,
        help_text=_("0 lets the broker decide"),
    )
    is_virtual = models.BooleanField(
        _("virtual (sandbox only)"),
        default=False,
        help_text=_("listed only where the sandbox runs"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = BrokerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("broker")
        verbose_name_plural = _("brokers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{5}$"), name="broker_code_five_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.korean_name} ({self.short_name})"


class ConnectionQuerySet(models.QuerySet["Connection"]):
    def for_user(self, user: models.Model) -> ConnectionQuerySet:
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


class LinkedAccountQuerySet(models.QuerySet["LinkedAccount"]):
    def for_user(self, user: models.Model) -> LinkedAccountQuerySet:
        return self.filter(user=user)


class LinkedAccount(models.Model):
    """A virtual account (`vtAccNo`) the user linked to our service at the portal.

    The number is an account identifier: it is stored encrypted and shown masked (last four
    digits). Fernet is randomised, so rows cannot be found by number in SQL; a user has a handful
    of accounts, which are matched in Python after `for_user` (`brokers.services`).
    """

    class Status(models.TextChoices):
        LINKED = "linked", _("linked")
        UNLINKED = "unlinked", _("no longer linked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="linked_accounts"
    )
    broker = models.ForeignKey(Broker, on_delete=models.PROTECT, related_name="linked_accounts")
    vt_acc_no = EncryptedTextField(_("virtual account number"))
    vt_acc_no_last4 = models.CharField(_("last four characters"), max_length=4)
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LINKED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LinkedAccountQuerySet.as_manager()

    class Meta:
        ordering = ["broker__code", "id"]
        verbose_name = _("linked account")
        verbose_name_plural = _("linked accounts")

    def __str__(self) -> str:
        return f"{self.broker.short_name} {self.masked_vt_acc_no}"

    @property
    def masked_vt_acc_no(self) -> str:
        return mask_account(self.vt_acc_no)


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
    last_error_kind = models.CharField(_("last error kind"), max_length=30, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal check")
        verbose_name_plural = _("portal checks")

    def __str__(self) -> str:
        return f"portal check of user {self.user_id}"


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
