"""One row per account per day with the broker's own totals."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.fields import money_field
from portfolio.models.querysets import AccountScopedQuerySet

ZERO = Decimal(0)


class DailyValuation(models.Model):
    """An account's totals at the close of one day, as the broker's balance summary gives them.

    `total_value` is the broker's totalAccVal; only when a balance answer has no summary are the
    figures derived from the lists (the sum of the holdings' values, with cash unknown), and
    `is_derived` says so. `inflow` and `outflow` are the external cash flows (DEP and WID) of
    the sub-period this valuation closes: dated after the account's previous valuation and up to
    this one's day. With a valuation every day that is exactly the day's flows; after a day
    without a valuation, that day's flows are counted here, so none is lost for the
    time-weighted return and no row is invented for a day nothing was valued.
    """

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="valuations"
    )
    date = models.DateField(_("date"))
    cash = money_field(_("cash"), null=True)
    cash_d1 = money_field(_("cash at D+1"), null=True)
    cash_d2 = money_field(_("cash at D+2"), null=True)
    securities_value = money_field(_("securities value"), null=True)
    purchase_value = money_field(_("purchase value"), null=True)
    profit_loss = money_field(_("profit or loss"), null=True)
    total_value = money_field(_("total value"), null=True)
    # The rest of the broker's summary, stored as given (None where it was not sent).
    substitute = money_field(_("substitute (대용금)"), null=True)
    receivable = money_field(_("receivable (미수금)"), null=True)
    subs_margin = money_field(_("substitute margin (대용증거금)"), null=True)
    loan_credit = money_field(_("loans and credit (대출/신용금)"), null=True)
    cash_withdrawable = money_field(_("cash available to withdraw (출금가능액)"), null=True)
    flows_pending = models.BooleanField(
        _("flows pending"),
        default=False,
        help_text=_(
            "the balance was read but the day's transactions were not: returns leave this day "
            "out until a later sync reads them"
        ),
    )
    inflow = money_field(_("external inflow"), default=ZERO)
    outflow = money_field(_("external outflow"), default=ZERO)
    is_derived = models.BooleanField(
        _("derived from the lists"),
        default=False,
        help_text=_("the balance answer had no summary; figures are sums of the lists"),
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "date"]
        get_latest_by = "date"
        verbose_name = _("daily valuation")
        verbose_name_plural = _("daily valuations")
        constraints = [
            # One row per account and day; also the (account, date) index the charts read by.
            models.UniqueConstraint(fields=["account", "date"], name="valuation_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} on {self.date}"

    @property
    def net_flow(self) -> Decimal:
        return self.inflow - self.outflow

    @property
    def liabilities(self) -> Decimal:
        """What the account owes the broker: loans and credit plus unpaid receivables."""
        return (self.loan_credit or ZERO) + (self.receivable or ZERO)

    @property
    def net_value(self) -> Decimal | None:
        """순자산: the broker's total (총평가금액) less loans and credit and receivables."""
        if self.total_value is None:
            return None
        return self.total_value - self.liabilities
