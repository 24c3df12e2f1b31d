"""Factories for the portfolio tests: linked accounts at the registry's virtual brokers, and the
upstream's records (`brokers.records`) that the apply services take."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from brokers import records
from brokers.models import Broker, LinkedAccount
from brokers.upstream import Portfolio
from tests.factories import UserFactory

# Registry rows filled by the brokers' data migration: diamond has a balance service, star gives
# only portfolio ratios.
DIAMOND = "99001"
STAR = "99003"


class LinkedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkedAccount

    user = factory.SubFactory(UserFactory)
    broker = factory.LazyFunction(lambda: Broker.objects.get(code=DIAMOND))
    vt_acc_no = factory.Sequence(lambda n: f"1606{n:014d}")
    vt_acc_no_last4 = factory.LazyAttribute(lambda account: account.vt_acc_no[-4:])
    alias = "test"


def star_account(user: object) -> LinkedAccount:
    return LinkedAccountFactory(user=user, broker=Broker.objects.get(code=STAR))


def summary(
    *,
    cash: str = "1000000",
    securities: str | None = "0",
    purchase: str | None = "0",
    total: str | None = None,
    d1: str | None = None,
    d2: str | None = None,
    pro_loss: str | None = None,
) -> records.BalanceSummary:
    """A balance summary; the total defaults to cash + securities, as brokers report it."""
    money = Decimal
    total_value = total if total is not None else money(cash) + money(securities or "0")
    return records.BalanceSummary(
        cash_balance=money(cash),
        d1=money(d1 if d1 is not None else cash),
        d2=money(d2 if d2 is not None else cash),
        substitute=None,
        receivable=None,
        subs_margin=None,
        loan_credit=None,
        val_at_trade=None if purchase is None else money(purchase),
        value_at_cur=None if securities is None else money(securities),
        pro_loss=(
            money(pro_loss)
            if pro_loss is not None
            else money(securities or "0") - money(purchase or "0")
        ),
        total_acc_val=money(total_value),
        cash_av_withdraw=None,
    )


def equity(
    isin: str,
    qty: str = "10",
    *,
    purchase: str = "100000",
    value: str = "110000",
    asset_type: str = "KSP",
    trade_type: str = "NRM",
    name: str | None = None,
) -> records.EquityHolding:
    return records.EquityHolding(
        asset_type=asset_type,
        product_type=None,
        isin=isin,
        name=name,
        qty=Decimal(qty),
        trade_type=trade_type,
        val_at_trade=Decimal(purchase),
        val_at_cur=Decimal(value),
        pro_loss=Decimal(value) - Decimal(purchase),
        earning_rate=((Decimal(value) - Decimal(purchase)) * 100 / Decimal(purchase)).quantize(
            Decimal("0.01")
        ),
    )


def equities(count: int, *, qty: str = "10") -> list[records.EquityHolding]:
    """`count` distinct equities (ISIN-shaped codes, not check-digit valid)."""
    return [equity(f"KR7{n:08d}0", qty) for n in range(count)]


def fund(
    code: str, *, name: str | None = "국내채권펀드", purchase: str = "500000"
) -> records.FundHolding:
    return records.FundHolding(
        fund_type="02",
        fund_code=code,
        fund_name=name,
        val_at_trade=Decimal(purchase),
        val_at_cur=Decimal("480000"),
        pro_loss=Decimal("-15000"),  # not value − purchase: funds' figures are stored as given
        first_date_buy=datetime.date(2025, 1, 2),
        last_date_buy=None,
        maturity=None,
        earning_rate=Decimal("-3.1"),
    )


def bond(name: str = "국고채 03125-3006", *, qty: str = "1.0E10") -> records.OtherHolding:
    return records.OtherHolding(
        asset_type="BOND",
        name=name,
        isin=None,
        qty=Decimal(qty),
        trade_type="NRM",
        val_at_trade=Decimal("1.0E10"),
        val_at_cur=Decimal("1.02E10"),
        earning_rate=Decimal("2.0"),
    )


def transaction(
    day: datetime.date,
    kind: str,
    amount: str,
    *,
    isin: str | None = None,
    qty: str = "0",
    after: str = "0",
) -> records.Transaction:
    return records.Transaction(
        date=day,
        type=kind,
        isin=isin,
        change_amt=Decimal(amount),
        change_qty=Decimal(qty),
        qty_after=Decimal(after),
    )


def portfolio(*, cash: str = "12.5", weights: dict[str, str] | None = None) -> Portfolio:
    weights = weights if weights is not None else {"KR7005930003": "60", "KR7000660001": "40"}
    return Portfolio(
        cash_amt=Decimal(cash),
        equities=tuple(
            records.PortfolioEquity(
                asset_type="KSP", isin=isin, weight=Decimal(w), earning_rate=Decimal("1.5")
            )
            for isin, w in weights.items()
        ),
        funds=(
            records.PortfolioFund(
                fund_code="K55101BB1234",
                fund_name="글로벌주식형",
                weight=Decimal("100"),
                earning_rate=Decimal("-2"),
                maturity=None,
            ),
        ),
        others=(),
    )
