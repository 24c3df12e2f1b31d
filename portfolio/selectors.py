"""Reads for the dashboard: holdings now and on a past day, valuation series and returns.

Each read issues a fixed number of queries whatever the number of holdings, days or accounts,
and every read of user data goes through `for_user`, so a page cannot show another user's rows.
Pages read stored daily valuations; nothing here replays history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.models import User
from brokers.models import LinkedAccount
from brokers.standing.account import AccountStanding, AccountState
from brokers.standing.selectors import (
    account_standing_for_row,
    with_connection,
    with_last_failure_kind,
)
from portfolio.models import (
    AssetClass,
    DailyValuation,
    Holding,
    HoldingsSnapshot,
    Instrument,
    Transaction,
    WatchGroup,
)
from portfolio.returns import (
    Period,
    ValuationPoint,
    combine,
    period_start,
    time_weighted_return,
    unrealised_pl,
)
from portfolio.trading_days import previous_trading_day


def valuations_for_user(
    *,
    user: User,
    start: datetime.date | None,
    end: datetime.date,
    account_id: int | None = None,
) -> dict[int, list[ValuationPoint]]:
    """Each of the user's accounts' (or the one with `account_id`'s) valuation points over
    (start, end], by account id.

    Each series begins with the account's last valuation on or before `start` when it has one:
    the base a range is measured from, and the value carried into the range until the account's
    next valuation. Days without a total (no amounts known) are left out, never made zero.
    Weights-only accounts have no valuations and do not appear. 1 query.
    """
    rows = DailyValuation.objects.for_user(user).filter(date__lte=end, total_value__isnull=False)
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    if start is not None:
        # The base row is looked up once per account (an index probe each), not once per
        # valuation row: an account has thousands of rows and a user a handful of accounts.
        bases = (
            LinkedAccount.objects.for_user(user)
            .annotate(
                base_id=Subquery(
                    DailyValuation.objects.filter(
                        account_id=OuterRef("pk"), date__lte=start, total_value__isnull=False
                    )
                    .order_by("-date")
                    .values("pk")[:1]
                )
            )
            .values("base_id")
        )
        rows = rows.filter(Q(date__gt=start) | Q(pk__in=bases))
    series: dict[int, list[ValuationPoint]] = {}
    for account_id, day, total, inflow, outflow, pending in rows.order_by(
        "account_id", "date"
    ).values_list("account_id", "date", "total_value", "inflow", "outflow", "flows_pending"):
        series.setdefault(account_id, []).append(
            ValuationPoint(day, total, inflow, outflow, pending)
        )
    return series


# --- dashboard pages -------------------------------------------------------------------------
#
# Each function below issues the number of queries its docstring gives, whatever the number of
# accounts, holdings or days: rows are read in bulk and combined in Python.


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A linked account with what the dashboard shows about it."""

    account: LinkedAccount
    snapshot: HoldingsSnapshot | None
    latest: DailyValuation | None
    standing: AccountStanding  # where it stands and what the user does (brokers.standing)

    @property
    def state(self) -> AccountState:
        return self.standing.state

    @property
    def is_ratio_only(self) -> bool:
        return self.snapshot is not None and self.snapshot.is_ratio_only

    @property
    def synced_at(self) -> datetime.datetime | None:
        return _synced_at(self.account, self.snapshot)


def _synced_at(
    account: LinkedAccount, snapshot: HoldingsSnapshot | None
) -> datetime.datetime | None:
    """When the account's data was last confirmed: its last successful sync (which a sync that
    found nothing changed also sets, as the progress panel says), else the snapshot's time."""
    if account.last_success_at is not None:
        return account.last_success_at
    return snapshot.updated_at if snapshot is not None else None


def _account_standing(
    account: LinkedAccount, snapshot: HoldingsSnapshot | None, now: datetime.datetime
) -> AccountStanding:
    # Data a sync confirmed, or a stored snapshot (data that came another way): the link page
    # and the console, which do not read snapshots, know the first only.
    synced_at = _synced_at(account, snapshot)
    return account_standing_for_row(account, now=now, synced_at=synced_at, has_data=bool(synced_at))


def accounts_for_user(*, user: User) -> list[LinkedAccount]:
    """The user's linked accounts with broker and holdings snapshot, for filters. 1 query."""
    return list(LinkedAccount.objects.for_user(user).select_related("broker", "holdings_snapshot"))


def latest_valuations_for_user(
    *, user: User, account_id: int | None = None
) -> dict[int, DailyValuation]:
    """Each account's most recent valuation that has a total, by account id. 1 query.

    The latest row is looked up once per account (an index probe each), not once per
    valuation row: the user's accounts are few, their valuations thousands. Each row also
    carries `series_version`, the number of valuations of its account, which changes when a
    day is added to the account's history (a backfill of past days included): cached parts
    key on it (`portfolio.caching`).
    """
    accounts = LinkedAccount.objects.for_user(user)
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    latest = accounts.annotate(
        latest_id=Subquery(
            DailyValuation.objects.filter(account_id=OuterRef("pk"), total_value__isnull=False)
            .order_by("-date")
            .values("pk")[:1]
        )
    ).values("latest_id")
    # A count reads only the (account, date) index; a maximum id would visit every row.
    days = (
        DailyValuation.objects.filter(account_id=OuterRef("account_id"))
        .values("account_id")
        .annotate(days=Count("pk"))
        .values("days")
    )
    rows = DailyValuation.objects.filter(pk__in=latest).annotate(series_version=days).order_by()
    return {row.account_id: row for row in rows}


def account_rows_for_user(
    *, user: User, now: datetime.datetime, account_id: int | None = None
) -> list[AccountRow]:
    """The user's linked accounts (or the one with `account_id`, if it is theirs) with their
    snapshot, latest valuation and standing, in the registry's order. 2 queries: accounts with
    broker, snapshot, the connection's status and the latest finished run's failure; latest
    valuations."""
    accounts = with_last_failure_kind(
        with_connection(
            LinkedAccount.objects.for_user(user).select_related("broker", "holdings_snapshot")
        )
    )
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    latest = latest_valuations_for_user(user=user, account_id=account_id)
    rows = []
    for linked in accounts:
        snapshot = getattr(linked, "holdings_snapshot", None)
        rows.append(
            AccountRow(
                account=linked,
                snapshot=snapshot,
                latest=latest.get(linked.pk),
                standing=_account_standing(linked, snapshot, now),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Slice:
    """One part of an allocation: its key, label, amount and share of the whole (percent)."""

    key: str
    label: str
    value: Decimal
    share: Decimal


def slices(parts: dict[str, tuple[str, Decimal]]) -> list[Slice]:
    """Parts keyed by id, each (label, amount), as slices with their shares, largest first.
    Negative parts (margin debt) are left out: a share of a whole cannot be negative."""
    positive = {key: part for key, part in parts.items() if part[1] > 0}
    whole = sum((value for _, value in positive.values()), Decimal(0))
    result = [
        Slice(key=key, label=label, value=value, share=value * 100 / whole)
        for key, (label, value) in positive.items()
    ]
    return sorted(result, key=lambda part: (-part.value, part.key))


def allocation_by_class_for_user(*, user: User, cash: Decimal) -> list[Slice]:
    """Holdings' current values summed by asset class, with `cash` (the accounts' cash from
    their latest valuations) as the cash class. Weights-only holdings have no value and are not
    counted. 1 query."""
    sums = (
        Holding.objects.for_user(user)
        .filter(current_value__isnull=False)
        .values("instrument__asset_class")
        .annotate(value=Sum("current_value"))
        .order_by()
    )
    parts = {
        row["instrument__asset_class"]: (
            str(AssetClass(row["instrument__asset_class"]).label),
            row["value"],
        )
        for row in sums
    }
    if cash:
        parts[AssetClass.CASH] = (str(AssetClass.CASH.label), cash)
    return slices(parts)


def top_holdings_for_user(*, user: User, limit: int = 10) -> list[Holding]:
    """The user's largest holdings by current value, with instrument and account. 1 query.

    The top rows are picked by id in a subquery before anything is joined to them, so the
    joins touch `limit` rows instead of every holding.
    """
    top = (
        Holding.objects.for_user(user)
        .filter(current_value__isnull=False)
        .order_by("-current_value", "pk")
        .values("pk")[:limit]
    )
    return list(
        Holding.objects.filter(pk__in=top)
        .select_related("instrument", "account__broker")
        .order_by("-current_value", "pk")
    )


HOLDING_SORTS = {
    "name": ("instrument__name", "instrument__key"),
    "account": ("account__broker__code", "account_id"),
    "class": ("instrument__asset_class",),
    "quantity": ("quantity",),
    "purchase": ("purchase_value",),
    "value": ("current_value",),
    "pl": ("profit_loss",),
    "rate": ("return_rate",),
    # The weight of an amount holding is its value over the shown total: the same order.
    "weight": ("current_value",),
}


def holdings_for_user(
    *,
    user: User,
    account_id: int | None = None,
    asset_class: str | None = None,
    sort: str = "-value",
) -> QuerySet[Holding]:
    """The user's current holdings, filtered and sorted (`HOLDING_SORTS`; "-" for descending).
    Empty values sort last either way. Lazy: a page reads one slice of it (1 query)."""
    holdings = Holding.objects.for_user(user).select_related("instrument", "account__broker")
    if account_id is not None:
        holdings = holdings.filter(account_id=account_id)
    if asset_class:
        holdings = holdings.filter(instrument__asset_class=asset_class)
    descending = sort.startswith("-")
    fields = HOLDING_SORTS.get(sort.lstrip("-"), HOLDING_SORTS["value"])
    order = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]
    return holdings.order_by(*order, "pk")


def holdings_value_total(holdings: QuerySet[Holding]) -> Decimal | None:
    """The sum of the current values of `holdings` (the weights' denominator). 1 query."""
    return holdings.order_by().aggregate(total=Sum("current_value"))["total"]


def transactions_for_user(
    *,
    user: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    types: Iterable[str] = (),
    account_id: int | None = None,
) -> QuerySet[Transaction]:
    """The user's transactions, newest first, filtered by date range (inclusive), types and
    account, with account and broker. Lazy: 1 query per slice read."""
    rows = Transaction.objects.for_user(user).select_related("account__broker")
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    types = list(types)
    if types:
        rows = rows.filter(type__in=types)
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    return rows.order_by("-date", "-account_id", "-ordinal")


def instrument_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of the instruments with these keys (ISINs, fund codes), where known. Instruments
    are public reference data, not user data. 1 query (none for no codes)."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return dict(
        Instrument.objects.filter(key__in=wanted).exclude(name="").values_list("key", "name")
    )


def watch_groups_for_user(*, user: User) -> list[WatchGroup]:
    """The user's watchlist groups, by account and the broker's order. 1 query."""
    return list(WatchGroup.objects.for_user(user).select_related("account__broker"))


@dataclass(frozen=True, slots=True)
class Figures:
    """The headline figures of the overview, each with the formula its tooltip states.

    total_value: the sum of the accounts' latest totals (an account not valued on the last day
        counts with its last known value, as in `combine`).
    day_change / day_return: the last day's change with external flows taken out,
        V_t − F_t − V_{t−1}, and that over V_{t−1} (the last sub-period's TWR factor − 1).
    profit_loss / pl_rate: the sum of the brokers' unrealised P/L and that over the sum of
        purchase values (a fraction).
    twr: the time-weighted return of the range (a fraction), on total_value (총평가금액).
    liabilities / net_value: the accounts' latest loans and credit plus receivables, and
        순자산 = total_value − liabilities (what is left once the broker is paid back).
    """

    as_of: datetime.date
    total_value: Decimal
    day_change: Decimal | None
    day_return: Decimal | None
    profit_loss: Decimal | None
    purchase_value: Decimal | None
    pl_rate: Decimal | None
    twr: Decimal | None
    liabilities: Decimal = Decimal(0)
    since: datetime.date | None = None  # the valuation the day's change is measured from

    @property
    def net_value(self) -> Decimal:
        return self.total_value - self.liabilities

    @property
    def since_other_than_previous_trading_day(self) -> bool:
        """Whether the change is measured from a day other than the KRX trading day before
        `as_of` (a sync was missed): the page then names the day."""
        return self.since is not None and self.since != previous_trading_day(self.as_of)


@dataclass(frozen=True, slots=True)
class TotalPerformance:
    """The summed series of a user's accounts over a range and its TWR (a fraction)."""

    period: Period
    start: datetime.date | None
    accounts: dict[int, list[ValuationPoint]]
    total: list[ValuationPoint]
    total_return: Decimal | None


def total_performance_for_user(
    *, user: User, period: Period, as_of: datetime.date
) -> TotalPerformance:
    """The net-worth series of each account, their day-by-day total and its TWR for a range
    ending at the close of `as_of`. The total is the sum of the accounts, chained as one
    (`portfolio.returns.combine`), not an average of the accounts' returns. 1 query."""
    start = period_start(period, as_of)
    accounts = valuations_for_user(user=user, start=start, end=as_of)
    total = combine(accounts.values())
    return TotalPerformance(
        period=period,
        start=start,
        accounts=accounts,
        total=total,
        total_return=time_weighted_return(total, start=start, end=as_of),
    )


def overview_figures(
    *, performance: TotalPerformance, latest: Iterable[DailyValuation]
) -> Figures | None:
    """The overview's figures from a range's performance and the accounts' latest valuations;
    None when there is no valuation at all. No query."""
    total = performance.total
    if not total:
        return None
    last = total[-1]
    day_change = day_return = since = None
    # A last day whose flows are pending cannot say what it gained: a deposit is not a gain.
    if len(total) >= 2 and not last.pending:
        since = total[-2].date
        previous = total[-2].value
        day_change = last.value - last.net_flow - previous
        day_return = day_change / previous if previous > 0 else None
    latest = list(latest)
    known = [row for row in latest if row.profit_loss is not None]
    profit_loss = (
        sum((row.profit_loss for row in known if row.profit_loss is not None), Decimal(0))
        if known
        else None
    )
    purchase = (
        sum((row.purchase_value for row in known if row.purchase_value is not None), Decimal(0))
        if known
        else None
    )
    pl_rate = None
    if profit_loss is not None and purchase:
        pl_rate = unrealised_pl(
            current_value=purchase + profit_loss, purchase_value=purchase, profit_loss=profit_loss
        ).rate
    return Figures(
        as_of=last.date,
        total_value=last.value,
        day_change=day_change,
        day_return=day_return,
        profit_loss=profit_loss,
        purchase_value=purchase,
        pl_rate=pl_rate,
        twr=performance.total_return,
        liabilities=sum((row.liabilities for row in latest), Decimal(0)),
        since=since,
    )
