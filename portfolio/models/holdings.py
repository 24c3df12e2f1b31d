"""An account's current holdings, when they were taken, and their history as validity intervals."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.fields import money_field, quantity_field, rate_field
from portfolio.models.instruments import (
    Instrument,
)
from portfolio.models.querysets import AccountScopedQuerySet


class TradeType(models.TextChoices):
    """The platform's tradeType; positions with different trade types are different holdings."""

    CASH = "NRM", _("cash")
    CREDIT = "CRD", _("credit")
    LOAN = "LOAN", _("loan")
    SUM = "SUM", _("unclassified sum")
    UNKNOWN = "", _("not given")


class HoldingsSnapshot(models.Model):
    """When an account's current holdings were taken, and from which service.

    Ratio-only brokers (no balance service) give weights instead of amounts: their holdings carry
    a weight and no amount, the cash share of the account is kept here, and they have no
    `DailyValuation` rows at all, so that no amount is ever invented for them and no total or
    return includes them by mistake.
    """

    class Source(models.TextChoices):
        BALANCE = "balance", _("balance (amounts)")
        PORTFOLIO = "portfolio", _("portfolio (weights only)")

    account = models.OneToOneField(
        "brokers.LinkedAccount",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="holdings_snapshot",
    )
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    cash_weight = rate_field(
        _("cash weight (%)"),
        null=True,
        help_text=_("cash as a percentage of the account; weights-only accounts"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("holdings snapshot")
        verbose_name_plural = _("holdings snapshots")

    def __str__(self) -> str:
        return f"holdings of account {self.account_id} as of {self.as_of}"

    @property
    def is_ratio_only(self) -> bool:
        return self.source == self.Source.PORTFOLIO


class Holding(models.Model):
    """A position of an account as of its latest sync.

    Amounts are the broker's, stored as given (fund lists are not always consistent with
    themselves, and are kept that way rather than "corrected"). For weights-only accounts the
    amounts are empty and `weight` holds the broker's percentage within the holding's family
    (equities, funds or other products), which is not a share of the whole account.
    """

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="holdings"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="holdings")
    trade_type = models.CharField(
        _("trade type"), max_length=8, choices=TradeType.choices, blank=True
    )
    as_of = models.DateField(_("as of"))
    quantity = quantity_field(_("quantity"), null=True)
    purchase_value = money_field(_("purchase value"), null=True)
    current_value = money_field(_("current value"), null=True)
    profit_loss = money_field(_("profit or loss"), null=True)
    return_rate = rate_field(_("return rate (%)"), null=True)
    weight = rate_field(_("weight within its family (%)"), null=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "instrument_id", "trade_type"]
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        constraints = [
            # Also the index the holdings page reads by (its first column is the account).
            models.UniqueConstraint(
                fields=["account", "instrument", "trade_type"], name="holding_one_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} in account {self.account_id}"

    @property
    def is_ratio_only(self) -> bool:
        return self.current_value is None and self.weight is not None

    @property
    def profit_loss_is_computed(self) -> bool:
        """The broker sent no P/L (etcList documents none) but both values: pages show their
        difference, marked as computed, beside the broker's return rate."""
        return (
            self.profit_loss is None
            and self.current_value is not None
            and self.purchase_value is not None
        )

    @property
    def profit_loss_shown(self) -> Decimal | None:
        current, purchase = self.current_value, self.purchase_value
        if self.profit_loss is None and current is not None and purchase is not None:
            return current - purchase
        return self.profit_loss


class HoldingPeriod(models.Model):
    """A position that stayed the same from `valid_from` up to (not including) `valid_to`.

    "The same" means the same quantity and purchase value for one (instrument, trade type);
    an open period has `valid_to` NULL. The positions held at the close of day D are the periods
    with valid_from ≤ D and (valid_to IS NULL or valid_to > D): one indexed query. Values are not
    kept here, because prices change every day; an account's daily amounts are in
    `DailyValuation`. For weights-only accounts quantity and purchase value are NULL and a period
    only records that the instrument was held.
    """

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="holding_periods"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="holding_periods"
    )
    trade_type = models.CharField(
        _("trade type"), max_length=8, choices=TradeType.choices, blank=True
    )
    quantity = quantity_field(_("quantity"), null=True)
    purchase_value = money_field(_("purchase value"), null=True)
    valid_from = models.DateField(_("held from"))
    valid_to = models.DateField(_("held until (exclusive)"), null=True, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "valid_from", "id"]
        verbose_name = _("holding period")
        verbose_name_plural = _("holding periods")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "instrument", "trade_type"],
                condition=models.Q(valid_to__isnull=True),
                name="holding_period_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="holding_period_not_empty",
            ),
        ]
        indexes = [
            # "Held on D" has two bounds: recent dates are selective on valid_to, old ones on
            # valid_from; the planner picks the index that fits (or combines both).
            models.Index(fields=["account", "valid_from"], name="holding_period_from"),
            models.Index(fields=["account", "valid_to"], name="holding_period_to"),
        ]

    def __str__(self) -> str:
        until = self.valid_to or "now"
        return f"{self.instrument_id} in account {self.account_id}, {self.valid_from}–{until}"
