"""The broker registry, a user's connection to the open platform, and their linked accounts.

`Broker` rows are data an admin edits (which brokers exist, which accept `ALL`, known limits),
filled by a data migration from the platform's published table. `Connection` holds the OAuth
grant of one user (tokens encrypted at rest). `LinkedAccount` is one virtual account the user
linked to our service at the platform's portal.
"""

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
from brokers.terms import CONSENT_LIFETIME


def day_end(day: datetime.date) -> datetime.datetime:
    """The moment a platform date (YYYYMMDD, Korean time) is over: the next day's midnight."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


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


class UnsupportedService(models.Model):
    """A broker's account service that answered "not supported" (6001), remembered so that it
    is not called again: at most one probe a month (`probe_after`) to notice when it arrives.

    Written by the platform client on a 6001 for a whole service (`brokers.registry`); an admin
    sees the rows beside the broker and deletes one to have the service asked again at once.
    """

    class Service(models.TextChoices):
        BALANCE = "balance", _("balance")
        INTEREST = "interest", _("watchlist (interest)")

    broker = models.ForeignKey(
        Broker, on_delete=models.CASCADE, related_name="unsupported_services"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    first_refused_at = models.DateTimeField(_("first refused at"))
    last_refused_at = models.DateTimeField(_("last refused at"))
    probe_after = models.DateTimeField(
        _("ask again after"), help_text=_("no call for this service before then")
    )

    class Meta:
        ordering = ["broker__code", "service"]
        verbose_name = _("unsupported service")
        verbose_name_plural = _("unsupported services")
        constraints = [
            models.UniqueConstraint(
                fields=["broker", "service"], name="unsupported_service_once_per_broker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.broker.short_name} {self.service}"


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


class SyncRunQuerySet(models.QuerySet["SyncRun"]):
    def for_user(self, user: User) -> SyncRunQuerySet:
        return self.filter(account__user=user)

    def latest_per_account(self) -> SyncRunQuerySet:
        """Each account's most recent run (by id), among the runs of this queryset."""
        newest = (
            SyncRun.objects.filter(account_id=models.OuterRef("account_id"))
            .order_by("-id")
            .values("id")[:1]
        )
        return self.filter(id=models.Subquery(newest))


class SyncRun(models.Model):
    """One attempt to sync one linked account, as a state machine (`portfolio.sync.runs`).

    queued → running → succeeded | failed; queued → skipped (not started: the account was
    being synced already, the budget ran out, it is not connected). A run left running past
    the task time limit is failed as `stale` by the sweeper. At most one run of an account
    is running at a time: the database enforces it, and that is how a sync claims its account.

    `message` is written by us (never the upstream's text, a token, a CI or an account
    number), so support staff and logs may show it.
    """

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("nightly")
        USER = "user", _("sync now")
        RETRY = "retry", _("retry")
        BACKFILL = "backfill", _("backfill")
        SUPPORT = "support", _("support")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    account = models.ForeignKey(LinkedAccount, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    calls_used = models.PositiveIntegerField(_("upstream calls"), default=0)
    failure_kind = models.CharField(_("failure kind"), max_length=30, blank=True)
    platform_code = models.PositiveIntegerField(_("platform code"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    detail = models.JSONField(
        _("detail"), default=dict, blank=True, help_text=_("what was fetched and written")
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(state="running"),
                name="sync_run_one_running_per_account",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-id"], name="sync_run_account_latest"),
            # The sweeper's scan: few rows are ever queued or running.
            models.Index(
                fields=["state", "created_at"],
                condition=models.Q(state__in=["queued", "running"]),
                name="sync_run_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} sync of account {self.account_id}: {self.state}"

    @property
    def retry_at(self) -> datetime.datetime | None:
        """When the platform said it could be tried again (a transient or rate-limited failure
        with a suggested delay), else None."""
        delay = self.detail.get("retry_after") if isinstance(self.detail, dict) else None
        if self.finished_at is None or not isinstance(delay, int | float):
            return None
        return self.finished_at + datetime.timedelta(seconds=delay)

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at
