"""The sandbox's state: registered fintech services, portal members and their virtual accounts,
data-provision consents, OAuth grants and tokens, daily call counters and switchable faults.

Every table lives in the sandbox's own database (``brokers.sandbox.router``). Secrets the
sandbox receives back from clients (client secrets, API keys, codes, tokens) are stored as
SHA-256 digests, never in plain text: they are long random strings, so a fast digest is enough
and lookups stay a single indexed query. Portal passwords, which people choose, are stored with
PBKDF2 (see ``Member.set_password``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import models
from django.db.models import Q
from django.utils import timezone

from brokers.sandbox.data import AccountProfile
from brokers.sandbox.virtual import BROKER_CHOICES, VIRTUAL_BROKERS, VirtualBroker

ACCESS = "access"
REFRESH = "refresh"


def digest(secret: str) -> str:
    """The stored form of a client secret, API key, code or token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FintechService(models.Model):
    """A fintech service registered with the platform (이용기관), such as Jasan itself."""

    name = models.CharField("서비스 이름", max_length=100)
    client_id = models.CharField(max_length=100, unique=True)
    client_secret_sha256 = models.CharField(max_length=64)
    api_key_sha256 = models.CharField(max_length=64, unique=True)
    com_id = models.CharField("comId", max_length=5)
    srv_id = models.CharField("srvId", max_length=20)
    redirect_uris = models.TextField(
        blank=True, help_text="OAuth redirect URIs, one per line; matched exactly."
    )
    return_urls = models.TextField(
        blank=True,
        help_text="Where the portal may send people back, one per line: same scheme, host and "
        "port, and a path that starts with the registered one.",
    )
    access_token_seconds = models.PositiveIntegerField(default=2_592_000)
    refresh_token_seconds = models.PositiveIntegerField(default=180 * 24 * 3600)
    issues_refresh_tokens = models.BooleanField(default=True)
    daily_limit = models.PositiveIntegerField(default=50_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "fintech service"

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    def set_client_secret(self, raw: str) -> None:
        self.client_secret_sha256 = digest(raw)

    def check_client_secret(self, raw: str) -> bool:
        return hmac.compare_digest(self.client_secret_sha256, digest(raw))

    def set_api_key(self, raw: str) -> None:
        self.api_key_sha256 = digest(raw)

    @property
    def redirect_uri_list(self) -> list[str]:
        return _lines(self.redirect_uris)

    @property
    def return_url_list(self) -> list[str]:
        return _lines(self.return_urls)

    def allows_return_url(self, url: str) -> bool:
        target = urlsplit(url)
        if target.scheme not in ("http", "https") or not target.netloc:
            return False
        for registered in self.return_url_list:
            allowed = urlsplit(registered)
            if (target.scheme, target.netloc) == (
                allowed.scheme,
                allowed.netloc,
            ) and target.path.startswith(allowed.path or "/"):
                return True
        return False


class _PortalPasswordHasher(PBKDF2PasswordHasher):
    # Portal passwords are sandbox test data, several of them published in the README; a
    # lighter PBKDF2 keeps every OAuth round trip in the test suite fast.
    iterations = 60_000


class Member(models.Model):
    """A member of the fintech portal (금융투자 핀테크 포털), identified by their CI."""

    MAX_FAILED_LOGINS = 5
    _hasher = _PortalPasswordHasher()

    portal_id = models.CharField("아이디", max_length=30, unique=True)
    password = models.CharField(max_length=200)
    kor_name = models.CharField("이름", max_length=40)
    birth_date = models.DateField("생년월일")
    phone = models.CharField("휴대폰 번호", max_length=11)
    ci = models.CharField("CI", max_length=88, unique=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "portal member"

    def __str__(self) -> str:
        return self.portal_id

    def set_password(self, raw: str) -> None:
        self.password = self._hasher.encode(raw, self._hasher.salt())

    def check_password(self, raw: str) -> bool:
        try:
            return self._hasher.verify(raw, self.password)
        except (ValueError, AssertionError):
            return False

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def masked_ci(self) -> str:
        return f"{self.ci[:4]}…{self.ci[-2:]}"


class VirtualAccount(models.Model):
    """A virtual account number (가상계좌번호) issued at the portal for one brokerage account."""

    PROFILE_CHOICES = [
        (AccountProfile.DEFAULT.value, "기본 (주식·펀드·채권·현금)"),
        (AccountProfile.LARGE.value, "대량 (500종목 이상)"),
        (AccountProfile.EMPTY.value, "현금만"),
        (AccountProfile.MARGIN.value, "신용 (대출·미수금 있음)"),
    ]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="accounts")
    broker = models.CharField("증권사", max_length=20, choices=BROKER_CHOICES)
    vt_acc_no = models.CharField("가상계좌번호", max_length=30, unique=True)
    profile = models.CharField(
        "데이터 유형", max_length=10, choices=PROFILE_CHOICES, default=AccountProfile.DEFAULT
    )
    nickname = models.CharField("별칭", max_length=40, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "virtual account"
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.broker} {self.vt_acc_no}"

    @property
    def virtual_broker(self) -> VirtualBroker:
        return VIRTUAL_BROKERS[self.broker]


class ConsentQuerySet(models.QuerySet["Consent"]):
    def valid(self, now: datetime | None = None) -> ConsentQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Consent(models.Model):
    """A member's consent to provide one virtual account's data to one fintech service.

    Linking an account to a service at the portal (앱 사용 신청) signs it; it is valid for a
    year unless revoked. At most one unrevoked consent exists per account and service: linking
    again renews it.
    """

    VALIDITY = timedelta(days=365)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    service = models.ForeignKey(FintechService, on_delete=models.CASCADE, related_name="consents")
    account = models.ForeignKey(VirtualAccount, on_delete=models.CASCADE, related_name="consents")
    alias = models.CharField("별칭", max_length=40, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "consent"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "service"],
                condition=Q(revoked_at__isnull=True),
                name="sandbox_one_open_consent_per_account_and_service",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.account.vt_acc_no} → {self.service.client_id}"

    def is_valid(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class OAuthGrant(models.Model):
    """One authorization a member gave a service: the root of a code and its tokens.

    Revoking the grant kills every token descended from it, which is what happens when a used
    code or a rotated refresh token is presented again.
    """

    service = models.ForeignKey(FintechService, on_delete=models.CASCADE, related_name="grants")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="grants")
    scope = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "OAuth grant"

    def __str__(self) -> str:
        return f"grant {self.pk} {self.member} → {self.service.client_id}"


class AuthorizationCode(models.Model):
    LIFETIME = timedelta(minutes=10)

    grant = models.OneToOneField(OAuthGrant, on_delete=models.CASCADE, related_name="code")
    code_sha256 = models.CharField(max_length=64, unique=True)
    redirect_uri = models.CharField(max_length=500)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "authorization code"

    def __str__(self) -> str:
        return f"code of grant {self.grant_id}"


class OAuthToken(models.Model):
    KIND_CHOICES = [(ACCESS, "access"), (REFRESH, "refresh")]

    grant = models.ForeignKey(OAuthGrant, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    token_sha256 = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # A refresh token is used once: rotation marks it, and presenting it again is reuse.
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "OAuth token"

    def __str__(self) -> str:
        return f"{self.kind} token {self.pk} of grant {self.grant_id}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


class DailyUsage(models.Model):
    """Calls a service made on one UTC day (the gateway's quota resets at 00:00 GMT)."""

    service = models.ForeignKey(FintechService, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="sandbox_usage_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.service.client_id} {self.day}: {self.count}"


class Fault(models.Model):
    """A fault switched on for demos and tests (``manage.py sandbox_fault``, the admin).

    Empty ``broker``, ``vt_acc_no`` and ``api`` match everything; ``remaining`` counts the
    answers the fault still spoils (empty: every answer until cleared).
    """

    KIND_CHOICES = [
        ("429", "429 API rate limit exceeded"),
        ("3004", "500 / 3004 network error towards the broker"),
        ("3005", "500 / 3005 timeout towards the broker"),
        ("3999", "500 / 3999 unknown platform error"),
        ("3600", "503 / 3600 broker service unavailable"),
        ("latency", "added latency (delay_ms)"),
        ("malformed-json", "200 with a cut-off JSON body"),
        ("drop-page", "next page key skips a page"),
        ("repeat-page", "next page key repeats the current page"),
        ("consent-expired", "500 / 4006 consent expired"),
    ]
    API_CHOICES = [
        ("balance", "balance"),
        ("portfolio", "portfolio"),
        ("transaction", "transaction"),
        ("interest", "interest"),
        ("register", "register/search"),
        ("consent", "consent/search"),
    ]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    broker = models.CharField(max_length=20, blank=True, choices=BROKER_CHOICES)
    vt_acc_no = models.CharField(max_length=30, blank=True)
    api = models.CharField(max_length=20, blank=True, choices=API_CHOICES)
    delay_ms = models.PositiveIntegerField(default=0)
    remaining = models.PositiveIntegerField(null=True, blank=True)
    fired = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "fault"
        ordering = ["id"]

    def __str__(self) -> str:
        where = " ".join(filter(None, [self.broker, self.vt_acc_no, self.api])) or "everywhere"
        times = "always" if self.remaining is None else f"{self.remaining} more"
        return f"{self.kind} @ {where} ({times})"
