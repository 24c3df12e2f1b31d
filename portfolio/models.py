"""What a sync stores: instruments, holdings and their history, daily valuations, transactions,
watchlists.

Every row of user data hangs off a `brokers.LinkedAccount` and is reached per user through it:
each model's queryset has `for_user(user)`, and pages use it rather than a bare `objects`.
`Instrument` is reference data (public product codes and names) shared by every user.

Storage grows with changes, not with days × holdings:
- `Holding` is the current position of an account as of its latest sync, with its values.
- `HoldingPeriod` keeps the history of positions (quantity, purchase value, trade type) as
  validity intervals [valid_from, valid_to): a row is opened when a position appears or changes
  and closed when it changes or disappears, so an idle account adds no rows at all. Prices move
  every day, so daily amounts are kept per account in `DailyValuation`, not per holding.
- `DailyValuation` is one row per account per day with the broker's own totals.

Models work on PostgreSQL and on the SQLite fallback of embedded mode alike (no ArrayField, no
exclusion constraint); the writes in `portfolio.services` rely only on INSERT … ON CONFLICT.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.fields import money_field, quantity_field, rate_field

if TYPE_CHECKING:
    from accounts.models import User

ZERO = Decimal(0)


# Default orderings name `account_id`, not `account`: ordering by the relation would join the
# linked account and its broker (their own ordering) into every query.


class AccountScopedQuerySet(models.QuerySet):
    """Rows that belong to a linked account, and through it to one user."""

    def for_user(self, user: User) -> AccountScopedQuerySet:
        return self.filter(account__user=user)


class AssetClass(models.TextChoices):
    """The classes of the dashboard's allocation."""

    KOSPI = "kospi", _("KOSPI")
    KOSDAQ = "kosdaq", _("KOSDAQ")
    ETF = "etf", _("ETF")
    OTHER_EQUITY = "other_equity", _("other equities")
    FUND = "fund", _("funds")
    BOND = "bond", _("bonds")
    ELS_DLS = "els_dls", _("ELS/DLS")
    OTHER = "other", _("CP/RP and other")
    CASH = "cash", _("cash")


class Family(models.TextChoices):
    """Which list of a balance or portfolio answer an instrument came from."""

    EQUITY = "equity", _("equity")
    FUND = "fund", _("fund")
    OTHER = "other", _("other product")


# The platform's assetType codes. Unknown codes fall into the family's catch-all class, so a
# broker adding a product type never breaks a sync.
EQUITY_CLASSES = {"KSP": AssetClass.KOSPI, "KDQ": AssetClass.KOSDAQ, "ETF": AssetClass.ETF}
OTHER_CLASSES = {
    "BOND": AssetClass.BOND,
    "STB": AssetClass.BOND,  # short-term bond
    "ELS": AssetClass.ELS_DLS,
    "DLS": AssetClass.ELS_DLS,
}


def asset_class_for(family: str, asset_type: str | None) -> AssetClass:
    """The allocation class of a line: FUT, OPT, ELW and ETC are other equities; CD, CP, RP,
    CRP, RRP and WRT join "CP/RP and other"."""
    code = (asset_type or "").strip().upper()
    if family == Family.EQUITY:
        return EQUITY_CLASSES.get(code, AssetClass.OTHER_EQUITY)
    if family == Family.FUND:
        return AssetClass.FUND
    return OTHER_CLASSES.get(code, AssetClass.OTHER)


class Instrument(models.Model):
    """A product learnt from what the upstream sends.

    `key` is the ISIN for equities (and other products when the broker sends one), the fund code
    for funds, and a synthetic key built from the asset type and name for other products without
    an ISIN (the platform documents etcList's isinCode as not yet supported). The name is often
    missing (equityList has no productName in the seeds) and is filled in when a name arrives.
    """

    key = models.CharField(_("key"), max_length=100, unique=True)
    isin = models.CharField(_("ISIN or fund code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    family = models.CharField(_("family"), max_length=10, choices=Family.choices)
    asset_type = models.CharField(
        _("asset type"), max_length=10, blank=True, help_text=_("the platform's assetType code")
    )
    asset_class = models.CharField(_("asset class"), max_length=20, choices=AssetClass.choices)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name or self.key


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


class WatchGroup(models.Model):
    """A watchlist group of an account, with its instruments in the broker's order."""

    account = models.ForeignKey(
        "brokers.LinkedAccount", on_delete=models.CASCADE, related_name="watch_groups"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    modified = models.DateField(_("modified on"), null=True, blank=True)
    # A JSON list of codes rather than an ArrayField, so that embedded mode (SQLite) works too;
    # groups are read whole and never searched by code.
    isins = models.JSONField(_("ISINs"), default=list, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "position"]
        verbose_name = _("watchlist group")
        verbose_name_plural = _("watchlist groups")
        constraints = [
            models.UniqueConstraint(fields=["account", "position"], name="watch_group_position"),
        ]

    def __str__(self) -> str:
        return self.name or f"group {self.position + 1}"


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
