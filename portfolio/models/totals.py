"""One row per user per day: the user's valuations combined (kept by `portfolio.totals`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.fields import money_field

ZERO = Decimal(0)


class DailyTotal(models.Model):
    """A user's net worth at the close of one day: every account's valuations combined.

    One row per user and day any of the user's accounts has a valuation with a total, equal to
    that day's point of `portfolio.returns.combine` over the user's accounts: the sum of each
    started account's value on the day or, where it has none, its last one carried; the flows
    of the accounts valued that day, plus the whole value of an account valued for the first
    time; pending when a valuation of the day has its flows pending. Written by
    `portfolio.totals` in the transaction of every write of valuations, so that the overview
    and its returns read one row a day instead of every account's rows and combining them.
    """

    # Keyed by (user, date) itself: no id column, and its index is the only one (a user's
    # rows are read by it), so a row a day costs as little storage as it can.
    pk = models.CompositePrimaryKey("user_id", "date")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="daily_totals",
        db_index=False,
    )
    date = models.DateField(_("date"))
    total_value = money_field(_("total value"), default=ZERO)
    inflow = money_field(_("external inflow"), default=ZERO)
    outflow = money_field(_("external outflow"), default=ZERO)
    flows_pending = models.BooleanField(_("flows pending"), default=False)

    class Meta:
        ordering = ["user_id", "date"]
        verbose_name = _("daily total")
        verbose_name_plural = _("daily totals")

    def __str__(self) -> str:
        return f"user {self.user_id} on {self.date}"
