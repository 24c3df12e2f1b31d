"""The broker registry: which brokers exist, what they accept, what they refused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
