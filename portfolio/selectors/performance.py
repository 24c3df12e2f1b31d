"""Valuation series, the net worth's performance over a range, and the overview's figures."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from accounts.models import User
from brokers.models import LinkedAccount
from portfolio.models import (
    DailyValuation,
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
