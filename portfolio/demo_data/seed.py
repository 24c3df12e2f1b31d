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
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from brokers.models import Broker, Connection, LinkedAccount
from portfolio.models import (
    AssetClass,
    DailyValuation,
    Family,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    Transaction,
    TransactionType,
    WatchGroup,
)
from portfolio.trading_days import trading_days

ZERO = Decimal(0)
WON = Decimal(1)
BROKERS_WITH_BALANCE = ("99001", "99002")  # diamond, cyber: the sandbox's virtual brokers
STAR = "99003"  # weights only

# Real listed names make the demo readable; beyond them, numbered instruments are made up.
KNOWN = [
    ("KR7005930003", "삼성전자", "KSP"),
    ("KR7000660001", "SK하이닉스", "KSP"),
    ("KR7035420009", "NAVER", "KSP"),
    ("KR7035720002", "카카오", "KSP"),
    ("KR7005380001", "현대차", "KSP"),
    ("KR7068270008", "셀트리온", "KSP"),
    ("KR7051910008", "LG화학", "KSP"),
    ("KR7069500007", "KODEX 200", "ETF"),
    ("KR7360750004", "TIGER 미국S&P500", "ETF"),
    ("KR7086520004", "에코프로", "KDQ"),
    ("KR7247540008", "에코프로비엠", "KDQ"),
    ("KR7105560007", "KB금융", "KSP"),
]


def _won(value: Decimal) -> Decimal:
    return value.quantize(WON, rounding=ROUND_HALF_EVEN)


def market_days(*, end: datetime.date, days: int) -> list[datetime.date]:
    """The KRX trading days in the `days` calendar days ending with `end` (inclusive)."""
    return trading_days(end - datetime.timedelta(days=days - 1), end)


def instruments_ensure(*, count: int, prefix: str = "") -> list[Instrument]:
    """`count` instruments: the known names first (when there is no prefix), then numbered
    ones. A `prefix` makes keys of their own, which the benchmark deletes afterwards.
    2 queries."""
    specs: list[tuple[str, str, str, str]] = []
    if not prefix:
        specs = [(key, key, name, code) for key, name, code in KNOWN[:count]]
    codes = ("KSP", "KSP", "KDQ", "ETF")
    for n in range(len(specs), count):
        key = f"{prefix}KR9{n:08d}0"
        specs.append((key, key, f"데모종목 {n + 1:03d}", codes[n % len(codes)]))
    asset_classes = {"KSP": AssetClass.KOSPI, "KDQ": AssetClass.KOSDAQ, "ETF": AssetClass.ETF}
    now = timezone.now()
    Instrument.objects.bulk_create(
        [
            Instrument(
                key=key,
                isin=isin,
                name=name,
                family=Family.EQUITY,
                asset_type=code,
                asset_class=asset_classes[code],
                updated_at=now,
            )
            for key, isin, name, code in specs
        ],
        ignore_conflicts=True,
    )
    by_key = Instrument.objects.in_bulk([spec[0] for spec in specs], field_name="key")
    return [by_key[spec[0]] for spec in specs]


def _fund(prefix: str) -> Instrument:
    instrument, _ = Instrument.objects.get_or_create(
        key=f"{prefix}K55101BB1234",
        defaults={
            "isin": f"{prefix}K55101BB1234",
            "name": "데모 글로벌채권펀드",
            "family": Family.FUND,
            "asset_class": AssetClass.FUND,
            "updated_at": timezone.now(),
        },
    )
    return instrument


@dataclass(frozen=True, slots=True)
class Seeded:
    accounts: list[LinkedAccount]
    dates: list[datetime.date]


def _account_number(rng: random.Random) -> str:
    return "1606" + "".join(str(rng.randrange(10)) for _ in range(14))


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` in whole won split by `weights`; the last part takes the rounding so the parts
    add up to `total` exactly."""
    whole = sum(weights, ZERO)
    parts = [_won(total * w / whole) for w in weights[:-1]]
    return [*parts, total - sum(parts, ZERO)]


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
    fund = _fund(instrument_prefix)
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
        account_rows = _account_history(account, rng, dates, [*equities, fund])
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
        weights = _split(Decimal(100), [Decimal(rng.randint(1, 9)) for _ in equities[:4]])
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


@dataclass(slots=True)
class _History:
    valuations: list[DailyValuation]
    holdings: list[Holding]
    periods: list[HoldingPeriod]
    transactions: list[Transaction]


def _account_history(
    account: LinkedAccount,
    rng: random.Random,
    dates: list[datetime.date],
    instruments: list[Instrument],
) -> _History:
    """A random walk of one account's securities value with monthly deposits, an occasional
    withdrawal and dividends, and the holdings and transactions that go with it."""
    first = dates[0]
    deposit = Decimal(rng.randrange(20, 200)) * 1_000_000
    purchase = _won(deposit * Decimal("0.85"))
    cash = deposit - purchase
    securities = purchase
    weights = [Decimal(rng.randint(1, 20)) for _ in instruments]
    quantities = [Decimal(rng.randint(1, 400)) for _ in instruments]
    costs = _split(purchase, weights)
    moves = [Transaction(account=account, date=first, ordinal=0, type="DEP", change_amount=deposit)]
    for ordinal, (instrument, cost, qty) in enumerate(
        zip(instruments, costs, quantities, strict=True), start=1
    ):
        moves.append(
            Transaction(
                account=account,
                date=first,
                ordinal=ordinal,
                type=TransactionType.BUY,
                isin=instrument.key,
                change_amount=-cost,
                change_quantity=qty,
                quantity_after=qty,
            )
        )
    valuations = []
    month = first.month
    for day in dates:
        inflow = outflow = ZERO
        if day != first:
            step = Decimal(str(round(rng.gauss(0.0004, 0.011), 6)))
            securities = _won(securities * (1 + step))
            ordinal = 0
            if day.month != month:
                month = day.month
                inflow = Decimal(rng.randrange(5, 30)) * 100_000
                moves.append(
                    Transaction(
                        account=account, date=day, ordinal=ordinal, type="DEP", change_amount=inflow
                    )
                )
                ordinal += 1
                if day.month % 4 == 0 and cash > 3_000_000:
                    outflow = Decimal(2_000_000)
                    moves.append(
                        Transaction(
                            account=account,
                            date=day,
                            ordinal=ordinal,
                            type="WID",
                            change_amount=-outflow,
                        )
                    )
                    ordinal += 1
                if day.month in (4, 8):
                    dividend = _won(securities * Decimal("0.004"))
                    cash += dividend
                    moves.append(
                        Transaction(
                            account=account,
                            date=day,
                            ordinal=ordinal,
                            type=TransactionType.OTHER,
                            isin=instruments[0].key,
                            change_amount=dividend,
                        )
                    )
            cash += inflow - outflow
        valuations.append(
            DailyValuation(
                account=account,
                date=day,
                cash=cash,
                cash_d1=cash,
                cash_d2=cash,
                securities_value=securities,
                purchase_value=purchase,
                profit_loss=securities - purchase,
                total_value=cash + securities,
                inflow=inflow,
                outflow=outflow,
            )
        )
    # Today's values: each holding drifts from its cost, scaled so they add up to securities.
    drift = [w * Decimal(str(round(rng.uniform(0.6, 1.6), 4))) for w in weights]
    values = _split(securities, drift)
    holdings = []
    periods = []
    middle = dates[len(dates) // 2]
    for position, (instrument, cost, value, qty) in enumerate(
        zip(instruments, costs, values, quantities, strict=True)
    ):
        holdings.append(
            Holding(
                account=account,
                instrument=instrument,
                trade_type="" if instrument.family == Family.FUND else "NRM",
                as_of=dates[-1],
                quantity=None if instrument.family == Family.FUND else qty,
                purchase_value=cost,
                current_value=value,
                profit_loss=value - cost,
                return_rate=((value - cost) * 100 / cost).quantize(Decimal("0.01"))
                if cost
                else None,
            )
        )
        trade_type = holdings[-1].trade_type
        # Every tenth position changed halfway: its history has a closed and an open period.
        if position % 10 == 3 and middle > first:
            periods.append(
                HoldingPeriod(
                    account=account,
                    instrument=instrument,
                    trade_type=trade_type,
                    quantity=qty / 2,
                    purchase_value=_won(cost / 2),
                    valid_from=first,
                    valid_to=middle,
                )
            )
            start = middle
        else:
            start = first
        periods.append(
            HoldingPeriod(
                account=account,
                instrument=instrument,
                trade_type=trade_type,
                quantity=holdings[-1].quantity,
                purchase_value=cost,
                valid_from=start,
            )
        )
    return _History(valuations, holdings, periods, moves)
