"""Daily valuations: their figures from a balance answer, and the external flows each closes."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import DateField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce

from brokers import records
from brokers.models import LinkedAccount
from portfolio.fields import MONEY
from portfolio.models import (
    DailyValuation,
    Transaction,
    TransactionType,
)
from portfolio.services.lines import (
    Line,
)
from portfolio.services.values import (
    ZERO,
    as_money,
    sum_known,
)


def _flow_total(kind: str) -> Coalesce:
    """The external flows of one kind in the sub-period a valuation row closes, as SQL.

    The sub-period runs from the day after the account's previous valuation (the beginning of
    time when there is none) to the row's own day. Amounts are taken as magnitudes, so that a
    broker signing its withdrawals either way cannot turn an outflow into an inflow.
    """
    money = MONEY.output_field()
    previous_day = (
        DailyValuation.objects.filter(
            account_id=OuterRef(OuterRef("account_id")), date__lt=OuterRef(OuterRef("date"))
        )
        .order_by("-date")
        .values("date")[:1]
    )
    moves = (
        Transaction.objects.filter(
            account_id=OuterRef("account_id"), type=kind, date__lte=OuterRef("date")
        )
        .filter(
            date__gt=Coalesce(
                Subquery(previous_day), Value(datetime.date.min), output_field=DateField()
            )
        )
        .order_by()
        .values("account_id")
        .annotate(total=Sum(Abs("change_amount")))
        .values("total")
    )
    return Coalesce(Subquery(moves, output_field=money), Value(ZERO), output_field=money)


def valuation_flows_refresh(
    account: LinkedAccount, first: datetime.date, through_first_on_or_after: datetime.date
) -> None:
    """Recompute `inflow`/`outflow` of the valuations whose sub-period may have changed: those
    from `first` up to and including the first valuation on or after the second date.
    1 statement."""
    last = (
        DailyValuation.objects.filter(account=account, date__gte=through_first_on_or_after)
        .order_by("date")
        .values("date")[:1]
    )
    DailyValuation.objects.filter(account=account, date__gte=first).filter(
        date__lte=Coalesce(Subquery(last), Value(datetime.date.max), output_field=DateField())
    ).update(
        inflow=_flow_total(TransactionType.DEPOSIT),
        outflow=_flow_total(TransactionType.WITHDRAWAL),
    )


def valuation_figures(
    summary: records.BalanceSummary | None, lines: Sequence[Line]
) -> dict[str, Any] | None:
    """The valuation columns from a balance answer: the broker's summary, which is the truth
    for totals; only what it lacks is derived from the lists (cash never: it is in no list).
    None when the answer says nothing about amounts at all."""
    listed_value = sum_known(line.current_value for line in lines)
    listed_purchase = sum_known(line.purchase_value for line in lines)
    if summary is None and listed_value is None and listed_purchase is None:
        return None

    def given(name: str) -> Decimal | None:
        return as_money(getattr(summary, name)) if summary is not None else None

    cash = given("cash_balance")
    securities = given("value_at_cur")
    purchase = given("val_at_trade")
    profit_loss = given("pro_loss")
    total = given("total_acc_val")
    derived = False
    if securities is None and listed_value is not None:
        securities, derived = listed_value, True
    if purchase is None and listed_purchase is not None:
        purchase, derived = listed_purchase, True
    if profit_loss is None and securities is not None and purchase is not None:
        profit_loss, derived = securities - purchase, True
    if total is None:
        total, derived = sum_known((cash, securities)), True
    return {
        "cash": cash,
        "cash_d1": given("d1"),
        "cash_d2": given("d2"),
        "securities_value": securities,
        "purchase_value": purchase,
        "profit_loss": profit_loss,
        "total_value": total,
        "substitute": given("substitute"),
        "receivable": given("receivable"),
        "subs_margin": given("subs_margin"),
        "loan_credit": given("loan_credit"),
        "cash_withdrawable": given("cash_av_withdraw"),
        "is_derived": derived,
    }


def valuation_save(
    account: LinkedAccount, as_of: datetime.date, figures: Mapping[str, Any]
) -> None:
    """Upsert the day's valuation and refresh the flows it and its successor close.
    2 statements."""
    DailyValuation.objects.bulk_create(
        [DailyValuation(account=account, date=as_of, **figures)],
        update_conflicts=True,
        unique_fields=["account", "date"],
        update_fields=list(figures),
    )
    # A valuation inserted before later ones shortens its successor's sub-period too.
    valuation_flows_refresh(account, as_of, as_of + datetime.timedelta(days=1))


# --- services --------------------------------------------------------------------------------


def account_flows_pending_mark(*, account: LinkedAccount, as_of: datetime.date) -> None:
    """The day's valuation was written from a balance, but the transactions due with it could
    not be read: its flows are unknown, so returns leave it out until they are. 1 statement."""
    DailyValuation.objects.filter(account=account, date=as_of).update(flows_pending=True)


def account_flows_settle(*, account: LinkedAccount, through: datetime.date) -> None:
    """Transactions were read through `through`: the valuations up to it have their flows
    (recomputed as the rows were written). At most 1 statement."""
    DailyValuation.objects.filter(account=account, flows_pending=True, date__lte=through).update(
        flows_pending=False
    )
