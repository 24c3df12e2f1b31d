"""An account's transactions, as the broker lists them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.fields import money_field, quantity_field
from portfolio.models.querysets import AccountScopedQuerySet


class TransactionType(models.TextChoices):
    """The platform's transType. Beware: on this platform BID is a sell and ASK a buy."""

    SELL = "BID", _("sell")
    BUY = "ASK", _("buy")
    DEPOSIT = "DEP", _("deposit")
    WITHDRAWAL = "WID", _("withdrawal")
    OTHER = "ETC", _("other")


class Transaction(models.Model):
    """One row of an account's transaction history.

    The platform gives no transaction id and two identical rows on one day are two real
    transactions, so a row is identified by its position within its day (`ordinal`, in the
    upstream's order) and a synced date window is always replaced as a whole.
    """

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="transactions"
    )
    date = models.DateField(_("date"))
    ordinal = models.PositiveIntegerField(_("order within the day"))
    # Not restricted to the documented codes: an unknown type must not fail a sync.
    type = models.CharField(_("type"), max_length=8, choices=TransactionType.choices)
    # The ISIN, fund code or product code as sent; empty for cash moves. Not a foreign key:
    # transactions name products the balance never lists (fund and product codes), and an
    # instrument must not be invented with an unknown class to satisfy a key.
    isin = models.CharField(_("ISIN or product code"), max_length=40, blank=True)
    change_amount = money_field(_("cash change"), null=True)
    change_quantity = quantity_field(_("quantity change"), null=True)
    quantity_after = quantity_field(_("quantity after"), null=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "date", "ordinal"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            # Also the (account, date) index the transactions page and the flow sums read by.
            models.UniqueConstraint(
                fields=["account", "date", "ordinal"], name="transaction_order_in_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on {self.date} in account {self.account_id}"

    @property
    def other_description(self) -> str:
        """What an "other" (ETC) row most likely is. The platform says no more than ETC; its
        direction and whether it names a product tell interest, dividends and fees apart
        well enough to say "likely". Empty for the other types."""
        if self.type != TransactionType.OTHER or not self.change_amount:
            return ""
        if self.change_quantity:
            return str(_("shares moved in or out"))
        if self.change_amount > 0:
            if self.isin and self.isin != "CASH":
                return str(_("likely a dividend or distribution"))
            return str(_("likely interest or another payment in"))
        return str(_("likely a fee, tax or another charge"))
