"""Demo-like portfolio data written straight into the tables, for tests and the benchmark.

`portfolio_seed` gives a user N linked accounts with daily valuations over a span of days
(KRX trading days, as the nightly sync after market close records them), current holdings, their
history, transactions with the deposits and withdrawals the valuations' flows come from, and
watchlists; optionally a weights-only (star) account. Rows are bulk-inserted: thousands of
days × hundreds of holdings take a second or two, where replaying syncs would take minutes.

The figures are self-consistent the way a broker's are: total = cash + securities, P/L =
securities − purchase, the holdings' values add up to the account's securities value, and a
valuation's inflow/outflow are the DEP/WID transactions of its day. Randomness is seeded, so
a seed gives the same data every time.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from brokers.models import Broker, Connection, LinkedAccount
from portfolio.demo_data.history import account_history, won_split
from portfolio.demo_data.instruments import fund_ensure, instruments_ensure
from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Transaction,
    WatchGroup,
)
from portfolio.trading_days import trading_days

BROKERS_WITH_BALANCE = ("99001", "99002")  # diamond, cyber: the sandbox's virtual brokers
STAR = "99003"  # weights only


def market_days(*, end: datetime.date, days: int) -> list[datetime.date]:
    """The KRX trading days in the `days` calendar days ending with `end` (inclusive)."""
    return trading_days(end - datetime.timedelta(days=days - 1), end)


@dataclass(frozen=True, slots=True)
class Seeded:
    accounts: list[LinkedAccount]
    dates: list[datetime.date]


def _account_number(rng: random.Random) -> str:
    return "1606" + "".join(str(rng.randrange(10)) for _ in range(14))


@transaction.atomic
def portfolio_seed(
    *,
    user: User,
    end: datetime.date,
    days: int = 365,
    accounts: int = 2,
    holdings: int = 10,
    star: bool = True,
    connect: bool = True,
    seed: int = 7,
    instrument_prefix: str = "",
    synced_at: datetime.datetime | None = None,
) -> Seeded:
    """Give `user` `accounts` accounts with amounts (and a star account if `star`), each with
    `holdings` equities and a fund, valued every trading day of the `days` days ending at `end`.
    With `connect`, an active connection (without tokens: nothing will sync it) is added so
    the accounts show as linked. Returns the accounts and the valuation dates."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret  # nosec B311
    dates = market_days(end=end, days=days)
    synced_at = synced_at or timezone.now()
    if connect:
        Connection.objects.update_or_create(
            user=user,
            upstream=Connection.Upstream.OPENPLATFORM,
            defaults={"status": Connection.Status.ACTIVE, "scope": "demo"},
        )
    brokers = {broker.code: broker for broker in Broker.objects.filter(code__startswith="990")}
    equities = instruments_ensure(count=holdings, prefix=instrument_prefix)
    fund = fund_ensure(instrument_prefix)
    created: list[LinkedAccount] = []
    valuations: list[DailyValuation] = []
    current: list[Holding] = []
    periods: list[HoldingPeriod] = []
    moves: list[Transaction] = []
    groups: list[WatchGroup] = []
    snapshots: list[HoldingsSnapshot] = []
    for index in range(accounts):
        number = _account_number(rng)
        account = LinkedAccount.objects.create(
            user=user,
            broker=brokers[BROKERS_WITH_BALANCE[index % len(BROKERS_WITH_BALANCE)]],
            vt_acc_no=number,
            vt_acc_no_last4=number[-4:],
            alias=["주식투자용", "연금저축", "ISA", "해외주식", "단타용"][index % 5],
        )
        created.append(account)
        account_rows = account_history(account, rng, dates, [*equities, fund])
        valuations += account_rows.valuations
        current += account_rows.holdings
        periods += account_rows.periods
        moves += account_rows.transactions
        snapshots.append(
            HoldingsSnapshot(
                account=account,
                as_of=dates[-1],
                source=HoldingsSnapshot.Source.BALANCE,
                updated_at=synced_at,
            )
        )
        groups += [
            WatchGroup(
                account=account,
                position=0,
                name="관심종목",
                modified=dates[-1],
                isins=[instrument.key for instrument in equities[:5]],
            ),
            WatchGroup(
                account=account,
                position=1,
                name="배당주",
                modified=dates[len(dates) // 2],
                isins=[instrument.key for instrument in equities[5:7]] + ["KR7999999990"],
            ),
        ]
    if star:
        number = _account_number(rng)
        account = LinkedAccount.objects.create(
            user=user,
            broker=brokers[STAR],
            vt_acc_no=number,
            vt_acc_no_last4=number[-4:],
            alias="스타 포트폴리오",
        )
        created.append(account)
        weights = won_split(Decimal(100), [Decimal(rng.randint(1, 9)) for _ in equities[:4]])
        for instrument, share in zip(equities[:4], weights, strict=True):
            current.append(
                Holding(
                    account=account,
                    instrument=instrument,
                    trade_type="",
                    as_of=dates[-1],
                    weight=share,
                    return_rate=Decimal(rng.randint(-1500, 2500)) / 100,
                )
            )
            periods.append(
                HoldingPeriod(
                    account=account, instrument=instrument, trade_type="", valid_from=dates[0]
                )
            )
        snapshots.append(
            HoldingsSnapshot(
                account=account,
                as_of=dates[-1],
                source=HoldingsSnapshot.Source.PORTFOLIO,
                cash_weight=Decimal("12.5"),
                updated_at=synced_at,
            )
        )
    DailyValuation.objects.bulk_create(valuations, batch_size=2000)
    Holding.objects.bulk_create(current, batch_size=2000)
    HoldingPeriod.objects.bulk_create(periods, batch_size=2000)
    Transaction.objects.bulk_create(moves, batch_size=2000)
    WatchGroup.objects.bulk_create(groups)
    HoldingsSnapshot.objects.bulk_create(snapshots)
    return Seeded(accounts=created, dates=dates)
