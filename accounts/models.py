from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.encryption import EncryptedTextField, blind_index
from accounts.managers import UserManager


class User(AbstractUser):
    """A Jasan user. The e-mail address is the login; there is no username."""

    # AbstractUser declares a username column; this model has none (it logs in by e-mail).
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    # Privacy mode hides every amount on the dashboard, leaving weights and rates (issue: a
    # dashboard looked at in public). Remembered per user, not per browser.
    privacy_mode = models.BooleanField(_("privacy mode"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # AbstractUser types `objects` as its username-based manager; ours creates users by e-mail.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

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
    # A CI identifies one person, and one person is one user: the CI's keyed blind index
    # (accounts.encryption.blind_index) is unique. It is not searchable without the keys.
    ci_index = models.CharField(_("CI blind index"), max_length=64, unique=True, editable=False)
    korean_name = EncryptedTextField(_("Korean name"))
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return f"identity of user {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The index is the CI's, always: computed here so that no way of writing an identity
        # (the service, a factory, a command) can store one without the other.
        self.ci_index = blind_index(self.ci)
        if kwargs.get("update_fields") is not None and "ci" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "ci_index"}
        super().save(*args, **kwargs)

    @property
    def masked_ci(self) -> str:
        return f"{self.ci[:4]}…{self.ci[-2:]}" if self.ci else ""


# Codes stored in activity details (`brokers`' link checks, disconnects, expiry notices), in
# words. Error kinds are left as stored: the console shows them through their own labels.
_DETAIL_WORDS = {
    ("result", "member"): _("member of the portal"),
    ("result", "non-member"): _("not a member of the portal"),
    ("data", "kept"): _("synced data kept"),
    ("data", "deleted"): _("synced data deleted"),
    ("notice", "access_expiring"): _("access ends soon"),
    ("notice", "access_expired"): _("access ended"),
    ("notice", "consent_expiring"): _("consent ends soon"),
    ("notice", "consent_expired"): _("consent ended"),
}


class ActivityEvent(models.Model):
    """One entry of a user's activity log: link events, and support staff viewing the account.

    `detail` holds only what is safe to show the user and support staff (broker names, masked
    account numbers, error kinds); never a token, a CI or a full account number.
    """

    class Kind(models.TextChoices):
        IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
        MEMBERSHIP_CHECKED = "membership_checked", _("Portal membership checked")
        ACCOUNTS_APPEARED = "accounts_appeared", _("Linked accounts appeared")
        ACCOUNTS_DISAPPEARED = "accounts_disappeared", _("Linked accounts disappeared")
        CONNECTED = "connected", _("Connected")
        REFRESHED = "refreshed", _("Access renewed")
        REFRESH_FAILED = "refresh_failed", _("Access renewal failed")
        RECONNECTED = "reconnected", _("Reconnected")
        DISCONNECTED = "disconnected", _("Disconnected")
        CONSENT_EXPIRING = "consent_expiring", _("Consent or access expiring soon")
        CONSENT_EXPIRED = "consent_expired", _("Consent or access expired")
        SUPPORT_VIEWED = "support_viewed", _("Support staff viewed your link status")
        SUPPORT_ACTION = "support_action", _("Support staff acted on your link")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_events"
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    # Support staff member who caused the event (support_viewed / support_action), else empty.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def detail_text(self) -> str:
        """`detail` as a person reads it: known codes in words, other values as they are
        (account names are stored already readable: broker, masked ending, alias)."""
        words = []
        for key, value in self.detail.items():
            label = _DETAIL_WORDS.get((key, str(value)))
            if label is not None:
                words.append(str(label))
            elif key == "due":
                day = datetime.date.fromisoformat(str(value))
                words.append(f"{day.year}. {day.month}. {day.day}.")
            else:
                words.append(str(value))
        return ", ".join(word for word in words if word)


class SupportAudit(models.Model):
    """One thing support staff did in the support console: a search, a look at a user's link
    status, or an action on their link.

    Kept apart from `ActivityEvent` on purpose. The user's activity log says *that* support
    looked and when; this row also says who, from which address and browser, and what was
    searched — staff details the user should not see, and searches that matched nobody, which
    belong to no user's log. Rows outlive both people (SET_NULL plus the staff e-mail as it
    was), because an audit trail that vanishes with an account is no trail. Nothing here is a
    token, a CI or a full account number: `detail` holds masked numbers and kinds only.

    Its Meta also carries the two role permissions (`accounts.roles`), since they guard what
    this log records.
    """

    class Action(models.TextChoices):
        SEARCHED = "searched", _("Searched for a user")
        VIEWED = "viewed", _("Viewed link status")
        PORTAL_CHECKED = "portal_checked", _("Re-checked membership and links")
        SYNC_QUEUED = "sync_queued", _("Queued a sync")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_email = models.EmailField(_("staff e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user looked up"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("support audit entry")
        verbose_name_plural = _("support audit log")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("use_support_console", _("Can use the support console")),
            ("view_service_overview", _("Can see the service overview")),
        ]

    def __str__(self) -> str:
        return f"{self.actor_email}: {self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
