"""The virtual accounts a user linked to our service at the platform's portal."""

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
from brokers.models.registry import Broker
from brokers.terms import CONSENT_LIFETIME


def day_end(day: datetime.date) -> datetime.datetime:
    """The moment a platform date (YYYYMMDD, Korean time) is over: the next day's midnight."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


class LinkedAccountQuerySet(models.QuerySet["LinkedAccount"]):
    def for_user(self, user: User) -> LinkedAccountQuerySet:
        return self.filter(user=user)


class SyncProblem(models.TextChoices):
    """Why an account stopped syncing until the user acts at the portal (platform error kinds)."""

    CONSENT_REQUIRED = "consent_required", _("consent needed")
    ACCOUNT_GONE = "account_gone", _("account no longer at the broker")
    IDENTITY_MISMATCH = "identity_mismatch", _("identity not recognised")


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
    # Shown instead of the number, masked ("····350001"): the shortest ending, four characters
    # at least, that tells this account from the user's others (virtual numbers often share
    # their last four, "0001"). Kept by `brokers.services.linked_accounts_record`.
    vt_acc_no_tail = models.CharField(_("distinguishing ending"), max_length=30, blank=True)
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LINKED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Sync state. Written by the sync in the same database transaction as the data it brought,
    # so that it always describes the data that is stored (`portfolio.sync`); `SyncRun` keeps
    # the record of each attempt. One exception: the link check clears "consent needed" when
    # the platform reports a later consent end (the consent was renewed at the portal). Saves
    # elsewhere name their `update_fields`, which keeps these out of them.
    sync_problem = models.CharField(
        _("sync problem"),
        max_length=30,
        choices=SyncProblem.choices,
        blank=True,
        help_text=_("a refusal only the user can fix at the portal; cleared by the next success"),
    )
    sync_problem_at = models.DateTimeField(_("sync problem since"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    synced_as_of = models.DateField(
        _("synced as of"), null=True, blank=True, help_text=_("the date the last sync was for")
    )
    transactions_synced_through = models.DateField(
        _("transactions synced through"),
        null=True,
        blank=True,
        help_text=_("the last day of the last transaction window read"),
    )
    watchlist_synced_on = models.DateField(_("watchlist synced on"), null=True, blank=True)
    flows_pending_from = models.DateField(
        _("flows pending from"),
        null=True,
        blank=True,
        help_text=_("the first day valued while its transactions could not be read"),
    )
    consent_expires_on = models.DateField(
        _("consent expires on"),
        null=True,
        blank=True,
        help_text=_("the last day of the consent as the platform reports it (newer answers)"),
    )
    balance_fingerprint = models.CharField(
        _("balance fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("digest of positions and cash at the last sync: a change means trades"),
    )

    objects = LinkedAccountQuerySet.as_manager()

    class Meta:
        ordering = ["broker__code", "id"]
        verbose_name = _("linked account")
        verbose_name_plural = _("linked accounts")

    def __str__(self) -> str:
        return f"{self.broker.korean_name} {self.number_display}"

    @property
    def number_display(self) -> str:
        """The number as every page shows it: "····350001" (decrypts nothing)."""
        return f"····{self.vt_acc_no_tail or self.vt_acc_no_last4}"

    @property
    def consent_expires_estimate(self) -> datetime.datetime:
        """When the portal consent behind this link ends.

        The platform's own date where its answer gave one (`serviceTermsExpireDate`: the
        consent ends when that day does); otherwise one year from the first time we saw the
        account linked, which stands for the day the consent was given.
        """
        if self.consent_expires_on is not None:
            return day_end(self.consent_expires_on)
        return self.created_at + CONSENT_LIFETIME


def distinguishing_tails(numbers: dict[int, str], *, least: int = 4) -> dict[int, str]:
    """For each account id, the shortest ending of its number (at least `least` characters)
    such that no two of these numbers share their endings of that length."""
    longest = max((len(number) for number in numbers.values()), default=least)
    for length in range(least, longest + 1):
        tails = {pk: number[-length:] for pk, number in numbers.items()}
        if len(set(tails.values())) == len(tails):
            return tails
    return dict(numbers)
