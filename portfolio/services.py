"""Writes of what a sync brings: holdings, their history, valuations, transactions, watchlists.

Each function writes one account's data of one kind, inside `transaction.atomic`, so it is whole
or not there at all; called inside the caller's own atomic block (one per account sync), it
becomes a savepoint of it, and a failure anywhere in the sync leaves the previous data intact.

Each issues a FIXED number of SQL statements, whatever the number of holdings or transactions:
rows are read once, compared in Python, and written with one bulk statement per kind of change
(INSERT … ON CONFLICT DO UPDATE, one DELETE or UPDATE over a list of ids). A statement with
nothing to write is skipped, so an idle day writes little. The numbers are in each docstring.

Values are quantized to their column's scale before they are compared with what is stored, so
that "unchanged" means unchanged in the database and applying the same answer twice writes
nothing new.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import DateField, Exists, Field, Model, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from brokers import records
from brokers.models import LinkedAccount
from brokers.upstream import Portfolio
from portfolio.fields import MONEY, QUANTITY, RATE, DecimalSpec
from portfolio.models import (
    DailyValuation,
    Family,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    Transaction,
    TransactionType,
    WatchGroup,
    asset_class_for,
)
from portfolio.totals import user_totals_refresh

ZERO = Decimal(0)
_WIDE = Context(prec=60, rounding=ROUND_HALF_EVEN)

# Other products usually come without an ISIN; their key is built from what identifies them in
# the answer. ISINs and fund codes never contain a colon, so these keys cannot collide with them.
_SYNTHETIC_PREFIX = {Family.EQUITY: "EQ:", Family.FUND: "FD:", Family.OTHER: "ETC:"}


def _max_length(model: type[Model], name: str) -> int:
    """A text column's width, read from the model so that the two cannot drift apart."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length")
    return field.max_length


_KEY_LENGTH = _max_length(Instrument, "key")
_TRADE_TYPE_LENGTH = _max_length(Holding, "trade_type")
_TYPE_LENGTH = _max_length(Transaction, "type")
_NAME_LENGTH = _max_length(Instrument, "name")
_GROUP_NAME_LENGTH = _max_length(WatchGroup, "name")


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoldingsApplied:
    """What applying a balance or a portfolio changed, for the sync to decide what to fetch next.

    stale: the answer was older than the account's current holdings, so only its valuation was
        written (holdings and history were left as they are).
    opened / closed: history periods opened and closed (or withdrawn the same day).
    """

    as_of: datetime.date
    stale: bool = False
    opened: int = 0
    closed: int = 0


@dataclass(frozen=True, slots=True)
class TransactionsReplaced:
    inserted: int
    deleted: int
    unchanged: int


# --- values ----------------------------------------------------------------------------------


def _fit(value: Decimal | None, spec: DecimalSpec) -> Decimal | None:
    """`value` at its column's scale, or None; a value the column cannot hold raises."""
    if value is None:
        return None
    if not value.is_finite():
        raise ValueError("a non-finite number cannot be stored")
    places = spec.decimal_places
    fitted = value.quantize(Decimal(1).scaleb(-places), context=_WIDE)
    if fitted != 0 and fitted.adjusted() >= spec.max_digits - places:
        raise ValueError(f"a value of magnitude 10^{fitted.adjusted()} does not fit its column")
    return fitted


def _money(value: Decimal | None) -> Decimal | None:
    return _fit(value, MONEY)


def _quantity(value: Decimal | None) -> Decimal | None:
    return _fit(value, QUANTITY)


def _rate(value: Decimal | None) -> Decimal | None:
    return _fit(value, RATE)


def _sum_known(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values that are known; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known, ZERO) if known else None


def _text(value: str | None, length: int) -> str:
    return " ".join((value or "").split())[:length]


# --- lines of an answer ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seen:
    """An instrument as one line of an answer describes it."""

    key: str
    code: str
    name: str
    family: str
    asset_type: str


@dataclass(frozen=True, slots=True)
class _Line:
    """One position of an answer, with values at their columns' scale."""

    instrument: _Seen
    trade_type: str
    quantity: Decimal | None = None
    purchase_value: Decimal | None = None
    current_value: Decimal | None = None
    profit_loss: Decimal | None = None
    return_rate: Decimal | None = None
    weight: Decimal | None = None

    @property
    def position(self) -> tuple[Decimal | None, Decimal | None]:
        """What the history tracks: a change of either opens a new period."""
        return self.quantity, self.purchase_value


def _seen(family: Family, code: str | None, name: str | None, asset_type: str | None) -> _Seen:
    code = (code or "").strip()
    name = _text(name, _NAME_LENGTH)
    asset_type = (asset_type or "").strip().upper()[:10]
    key = code
    if not key:
        label = name or "?"
        key = f"{_SYNTHETIC_PREFIX[family]}{asset_type or '?'}:{label}"
        if len(key) > _KEY_LENGTH:
            digest = hashlib.sha256(label.encode()).hexdigest()[:32]
            key = f"{_SYNTHETIC_PREFIX[family]}{asset_type or '?'}:#{digest}"
    return _Seen(key=key, code=code, name=name, family=family, asset_type=asset_type)


def _trade_type(value: str | None) -> str:
    return (value or "").strip().upper()[:_TRADE_TYPE_LENGTH]


def _amounts(
    holding: records.EquityHolding | records.FundHolding | records.OtherHolding,
) -> dict[str, Decimal | None]:
    """The figures every list of a balance answer has, at their columns' scale."""
    return {
        "purchase_value": _money(holding.val_at_trade),
        "current_value": _money(holding.val_at_cur),
        "profit_loss": _money(holding.pro_loss),
        "return_rate": _rate(holding.earning_rate),
    }


def _balance_lines(
    equities: Iterable[records.EquityHolding],
    funds: Iterable[records.FundHolding],
    others: Iterable[records.OtherHolding],
) -> list[_Line]:
    lines = [
        _Line(
            instrument=_seen(Family.EQUITY, h.isin, h.name, h.asset_type),
            trade_type=_trade_type(h.trade_type),
            quantity=_quantity(h.qty),
            **_amounts(h),
        )
        for h in equities
    ]
    # Funds have no quantity in a balance answer; their figures are stored as the broker gives
    # them, even where they do not agree with each other.
    lines += [
        _Line(
            instrument=_seen(Family.FUND, h.fund_code, h.fund_name, None),
            trade_type="",
            **_amounts(h),
        )
        for h in funds
    ]
    lines += [
        _Line(
            instrument=_seen(Family.OTHER, h.isin, h.name, h.asset_type),
            trade_type=_trade_type(h.trade_type),
            quantity=_quantity(h.qty),
            **_amounts(h),
        )
        for h in others
    ]
    return lines


def _portfolio_lines(portfolio: Portfolio) -> list[_Line]:
    families: list[tuple[Family, Iterable[Any]]] = [
        (Family.EQUITY, portfolio.equities),
        (Family.FUND, portfolio.funds),
        (Family.OTHER, portfolio.others),
    ]
    lines = []
    for family, items in families:
        for item in items:
            if family is Family.FUND:
                seen = _seen(family, item.fund_code, item.fund_name, None)
            else:
                seen = _seen(family, item.isin, getattr(item, "name", None), item.asset_type)
            lines.append(
                _Line(
                    instrument=seen,
                    trade_type="",
                    return_rate=_rate(item.earning_rate),
                    weight=_rate(item.weight),
                )
            )
    return lines


def _merged(first: _Line, second: _Line) -> _Line:
    """Two lines of one instrument and trade type (separate lots) as one position."""
    purchase = _sum_known((first.purchase_value, second.purchase_value))
    profit_loss = _sum_known((first.profit_loss, second.profit_loss))
    rate = None
    if purchase and profit_loss is not None:
        rate = _rate(profit_loss * 100 / purchase)
    return _Line(
        instrument=first.instrument if first.instrument.name else second.instrument,
        trade_type=first.trade_type,
        quantity=_sum_known((first.quantity, second.quantity)),
        purchase_value=purchase,
        current_value=_sum_known((first.current_value, second.current_value)),
        profit_loss=profit_loss,
        return_rate=rate,
        weight=_sum_known((first.weight, second.weight)),
    )


def _by_position(lines: Iterable[_Line]) -> dict[tuple[str, str], _Line]:
    """Lines keyed by (instrument key, trade type); repeated keys are lots and are added up."""
    positions: dict[tuple[str, str], _Line] = {}
    for line in lines:
        key = (line.instrument.key, line.trade_type)
        earlier = positions.get(key)
        positions[key] = line if earlier is None else _merged(earlier, line)
    return positions


# --- shared steps ----------------------------------------------------------------------------


def _snapshot_date_locked(
    account: LinkedAccount,
    valuation: tuple[datetime.date, Mapping[str, Any] | None] | None = None,
) -> tuple[datetime.date | None, bool]:
    """The date of the account's current holdings, with its row locked for this transaction,
    and whether the account's valuation on a day is already exactly the figures given in
    `valuation` (a day synced again where nothing moved: then neither it nor the totals are
    rewritten).

    The lock serialises two applies of one account should the sync's own claim ever fail.
    1 statement.
    """
    rows = HoldingsSnapshot.objects.select_for_update().filter(account=account)
    same: Any = Value(False)
    day, figures = valuation if valuation is not None else (None, None)
    if day is not None and figures is not None:
        same = Exists(DailyValuation.objects.filter(account=account, date=day, **figures))
    found = list(rows.annotate(same=same).values_list("as_of", "same"))
    return found[0] if found else (None, False)


def _instruments_save(seen: Iterable[_Seen]) -> dict[str, int]:
    """Ids of the instruments by key, creating new ones and learning names and types.

    A known name or type is never erased by an answer that lacks it. Only new or changed
    instruments are written. 1 or 2 statements.
    """
    wanted: dict[str, _Seen] = {}
    for item in seen:
        earlier = wanted.get(item.key)
        if earlier is None or (item.name and not earlier.name):
            wanted[item.key] = item
    if not wanted:
        return {}
    stored = {row.key: row for row in Instrument.objects.filter(key__in=list(wanted))}
    ids: dict[str, int] = {}
    now = timezone.now()
    changed = []
    for key, item in wanted.items():
        row = stored.get(key)
        name = item.name or (row.name if row else "")
        asset_type = item.asset_type or (row.asset_type if row else "")
        code = item.code or (row.isin if row else "")
        values = {
            "isin": code,
            "name": name,
            "family": item.family,
            "asset_type": asset_type,
            "asset_class": asset_class_for(item.family, asset_type),
        }
        if row is not None and all(getattr(row, f) == v for f, v in values.items()):
            ids[key] = row.pk
            continue
        changed.append(Instrument(key=key, updated_at=now, **values))
    if changed:
        # Rows in key order: two syncs inserting the same new instruments lock them in the same
        # order and wait for each other instead of deadlocking.
        changed.sort(key=lambda row: row.key)
        Instrument.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["isin", "name", "family", "asset_type", "asset_class", "updated_at"],
        )
        ids.update((row.key, row.pk) for row in changed)
    return ids


def _holdings_save(
    account: LinkedAccount, as_of: datetime.date, positions: Mapping[tuple[int, str], _Line]
) -> None:
    """Make the account's current holdings exactly `positions`, keeping the ids of those that
    continue (pages may link to a holding). 2 statements."""
    rows = [
        Holding(
            account=account,
            instrument_id=instrument_id,
            trade_type=trade_type,
            as_of=as_of,
            quantity=line.quantity,
            purchase_value=line.purchase_value,
            current_value=line.current_value,
            profit_loss=line.profit_loss,
            return_rate=line.return_rate,
            weight=line.weight,
        )
        for (instrument_id, trade_type), line in positions.items()
    ]
    if rows:
        Holding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["account", "instrument", "trade_type"],
            update_fields=[
                "as_of",
                "quantity",
                "purchase_value",
                "current_value",
                "profit_loss",
                "return_rate",
                "weight",
            ],
        )
    Holding.objects.filter(account=account).exclude(pk__in=[row.pk for row in rows]).delete()


def _history_save(
    account: LinkedAccount, as_of: datetime.date, positions: Mapping[tuple[int, str], _Line]
) -> tuple[int, int]:
    """Close and open history periods where a position changed; (opened, closed).

    A period opened on `as_of` itself (an earlier sync of the same day) is replaced rather than
    closed, since it would be empty; and a period closed on `as_of` whose position comes back
    the same day is reopened. Applying the same answer again therefore changes nothing, and
    applying A, B, then A again on one day leaves the history as A alone left it.
    1 to 5 statements.
    """
    periods = HoldingPeriod.objects.filter(account=account).filter(
        Q(valid_to__isnull=True) | Q(valid_to=as_of)
    )
    open_periods: dict[tuple[int, str], HoldingPeriod] = {}
    closed_today: dict[tuple[int, str], HoldingPeriod] = {}
    for period in periods:
        key = (period.instrument_id, period.trade_type)
        (open_periods if period.valid_to is None else closed_today)[key] = period

    withdrawn: list[int] = []
    closing: list[int] = []
    reopening: list[int] = []
    opening: list[tuple[int, str]] = []
    for key in open_periods.keys() | positions.keys():
        line = positions.get(key)
        current = open_periods.get(key)
        if current is not None:
            if line is not None and (current.quantity, current.purchase_value) == line.position:
                continue
            if current.valid_from < as_of:
                closing.append(current.pk)
                if line is not None:
                    opening.append(key)
                continue
            withdrawn.append(current.pk)
        if line is None:
            continue
        earlier = closed_today.get(key)
        if earlier is not None and (earlier.quantity, earlier.purchase_value) == line.position:
            reopening.append(earlier.pk)
        else:
            opening.append(key)

    # Order matters for the "one open period per position" constraint: free a position before
    # a period of it is reopened or opened.
    if withdrawn:
        HoldingPeriod.objects.filter(pk__in=withdrawn).delete()
    if closing:
        HoldingPeriod.objects.filter(pk__in=closing).update(valid_to=as_of)
    if reopening:
        HoldingPeriod.objects.filter(pk__in=reopening).update(valid_to=None)
    if opening:
        HoldingPeriod.objects.bulk_create(
            HoldingPeriod(
                account=account,
                instrument_id=instrument_id,
                trade_type=trade_type,
                quantity=positions[(instrument_id, trade_type)].quantity,
                purchase_value=positions[(instrument_id, trade_type)].purchase_value,
                valid_from=as_of,
            )
            for instrument_id, trade_type in opening
        )
    return len(opening) + len(reopening), len(closing) + len(withdrawn)


def _positions_save(
    account: LinkedAccount, as_of: datetime.date, lines: Iterable[_Line]
) -> tuple[int, int]:
    """Instruments, current holdings and history of one answer; (opened, closed).
    5 to 10 statements."""
    by_key = _by_position(lines)
    ids = _instruments_save(line.instrument for line in by_key.values())
    positions = {
        (ids[instrument_key], trade_type): line
        for (instrument_key, trade_type), line in by_key.items()
    }
    _holdings_save(account, as_of, positions)
    return _history_save(account, as_of, positions)


def _snapshot_save(
    account: LinkedAccount,
    as_of: datetime.date,
    source: str,
    cash_weight: Decimal | None = None,
) -> None:
    """1 statement."""
    HoldingsSnapshot.objects.bulk_create(
        [
            HoldingsSnapshot(
                account=account,
                as_of=as_of,
                source=source,
                cash_weight=cash_weight,
                updated_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=["as_of", "source", "cash_weight", "updated_at"],
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


def _valuation_flows_refresh(
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


def _valuation_figures(
    summary: records.BalanceSummary | None, lines: Sequence[_Line]
) -> dict[str, Any] | None:
    """The valuation columns from a balance answer: the broker's summary, which is the truth
    for totals; only what it lacks is derived from the lists (cash never: it is in no list).
    None when the answer says nothing about amounts at all."""
    listed_value = _sum_known(line.current_value for line in lines)
    listed_purchase = _sum_known(line.purchase_value for line in lines)
    if summary is None and listed_value is None and listed_purchase is None:
        return None

    def given(name: str) -> Decimal | None:
        return _money(getattr(summary, name)) if summary is not None else None

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
        total, derived = _sum_known((cash, securities)), True
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


def _valuation_save(
    account: LinkedAccount, as_of: datetime.date, figures: Mapping[str, Any]
) -> None:
    """Upsert the day's valuation, refresh the flows it and its successor close, and the
    user's daily totals from its day on. 6 statements."""
    DailyValuation.objects.bulk_create(
        [DailyValuation(account=account, date=as_of, **figures)],
        update_conflicts=True,
        unique_fields=["account", "date"],
        update_fields=list(figures),
    )
    # A valuation inserted before later ones shortens its successor's sub-period too.
    _valuation_flows_refresh(account, as_of, as_of + datetime.timedelta(days=1))
    user_totals_refresh(user_id=account.user_id, since=as_of)


# --- services --------------------------------------------------------------------------------


def account_balance_apply(
    *,
    account: LinkedAccount,
    as_of: datetime.date,
    summary: records.BalanceSummary | None,
    equities: Sequence[records.EquityHolding],
    funds: Sequence[records.FundHolding],
    others: Sequence[records.OtherHolding],
    lists_complete: bool = True,
) -> HoldingsApplied:
    """Store a whole balance answer (every asset type, every page) of an account on `as_of`.

    `lists_complete` False (a list's paging looped and was stopped): only the day's valuation
    is written, from the summary, and the holdings stay as they were, as for a stale answer:
    a position missing from a cut list would read as sold.

    Replaces the current holdings, learns instruments, closes and opens history periods only
    where a position changed, and upserts the day's valuation with its flows. An answer older
    than the current holdings (a late backfill) writes only its day's valuation.

    The lists must be complete: a family missing from them reads as "sold", closing its
    history. An answer with neither a summary nor any holding raises `ValueError` and writes
    nothing: it cannot be told from a broker's glitch, and taking it would close every position.
    SQL: at most 17 statements, whatever the number of holdings; 12 on a day where nothing but
    prices moved (4 of them the user's daily totals, `portfolio.totals`); 6 for a day applied
    again where nothing moved at all (its valuation is already stored exactly so). All of them
    or none: a transaction of their own, or the caller's when there is one (a sync writes its
    whole answer in one), without a savepoint: nothing here is tried and then undone while the
    rest goes on, so a failure undoes the caller's block too.
    """
    lines = _balance_lines(equities, funds, others)
    if summary is None and not lines:
        raise ValueError("a balance answer with no summary and no holding cannot be applied")
    figures = _valuation_figures(summary, lines)
    with transaction.atomic(savepoint=False):
        current, unchanged = _snapshot_date_locked(account, (as_of, figures))
        if unchanged:
            figures = None  # already stored exactly so: nothing to write
        if (current is not None and as_of < current) or not lists_complete:
            if figures is not None:
                _valuation_save(account, as_of, figures)
            return HoldingsApplied(as_of=as_of, stale=True)
        opened, closed = _positions_save(account, as_of, lines)
        if figures is not None:
            _valuation_save(account, as_of, figures)
        _snapshot_save(account, as_of, HoldingsSnapshot.Source.BALANCE)
        return HoldingsApplied(as_of=as_of, opened=opened, closed=closed)


@transaction.atomic(savepoint=False)
def account_ratios_apply(
    *, account: LinkedAccount, as_of: datetime.date, portfolio: Portfolio
) -> HoldingsApplied:
    """Store a whole portfolio answer of an account whose broker gives weights, not amounts.

    Holdings get the broker's weight within their family and no amount; the history records
    which instruments were held; the cash share is kept on the account's `HoldingsSnapshot`.
    No `DailyValuation` is written: there is no amount to write. An answer older than the
    current holdings writes nothing. SQL: at most 11 statements, whatever the number of lines;
    in the caller's transaction when there is one, without a savepoint (as balances).
    """
    current, _same = _snapshot_date_locked(account)
    if (current is not None and as_of < current) or not portfolio.complete:
        return HoldingsApplied(as_of=as_of, stale=True)
    opened, closed = _positions_save(account, as_of, _portfolio_lines(portfolio))
    _snapshot_save(
        account, as_of, HoldingsSnapshot.Source.PORTFOLIO, cash_weight=_rate(portfolio.cash_amt)
    )
    return HoldingsApplied(as_of=as_of, opened=opened, closed=closed)


def _transaction_values(
    row: records.Transaction | Transaction,
) -> tuple[str, str, Decimal | None, Decimal | None, Decimal | None]:
    if isinstance(row, Transaction):
        return (
            row.type,
            row.isin,
            row.change_amount,
            row.change_quantity,
            row.quantity_after,
        )
    return (
        row.type.strip().upper()[:_TYPE_LENGTH],
        (row.isin or "").strip(),
        _money(row.change_amt),
        _quantity(row.change_qty),
        _quantity(row.qty_after),
    )


@transaction.atomic
def account_transactions_replace(
    *,
    account: LinkedAccount,
    start: datetime.date,
    end: datetime.date,
    transactions: Sequence[records.Transaction],
) -> TransactionsReplaced:
    """Make the account's transactions dated `start`…`end` (inclusive) exactly `transactions`.

    `transactions` is every row of that window in the upstream's order. A row is identified by
    (date, its position among that date's rows), so identical same-day rows stay distinct rows
    and replaying a window changes nothing: unchanged rows are kept with their ids, the others
    deleted and inserted. Then the inflow/outflow of the valuations whose sub-period overlaps
    the window are recomputed; no valuation is created for a day that has none (its flows are
    counted in the next valuation). A row dated outside the window raises `ValueError`: it
    would collide with rows the window does not own.
    SQL: 1 statement when nothing changed, at most 8 otherwise (4 of them the user's daily
    totals from `start` on, whose flows may have changed).
    """
    if start > end:
        raise ValueError(f"empty window: {start} is after {end}")
    outside = sorted({row.date for row in transactions if not start <= row.date <= end})
    if outside:
        raise ValueError(f"rows dated {outside[0]} are outside the window {start}…{end}")

    wanted: dict[tuple[datetime.date, int], tuple[Any, ...]] = {}
    counts: defaultdict[datetime.date, int] = defaultdict(int)
    for row in transactions:
        wanted[(row.date, counts[row.date])] = _transaction_values(row)
        counts[row.date] += 1
    stored = {
        (row.date, row.ordinal): row
        for row in Transaction.objects.filter(account=account, date__range=(start, end))
    }
    kept = {key for key, row in stored.items() if wanted.get(key) == _transaction_values(row)}
    stale = [row.pk for key, row in stored.items() if key not in kept]
    fresh = [
        Transaction(
            account=account,
            date=day,
            ordinal=ordinal,
            type=values[0],
            isin=values[1],
            change_amount=values[2],
            change_quantity=values[3],
            quantity_after=values[4],
        )
        for (day, ordinal), values in wanted.items()
        if (day, ordinal) not in kept
    ]
    if stale:
        Transaction.objects.filter(pk__in=stale).delete()
    if fresh:
        Transaction.objects.bulk_create(fresh)
    if stale or fresh:
        _valuation_flows_refresh(account, start, end)
        user_totals_refresh(user_id=account.user_id, since=start)
    return TransactionsReplaced(inserted=len(fresh), deleted=len(stale), unchanged=len(kept))


def account_flows_pending_mark(*, account: LinkedAccount, as_of: datetime.date) -> None:
    """The day's valuation was written from a balance, but the transactions due with it could
    not be read: its flows are unknown, so returns leave it out until they are. 1 statement,
    and the totals' refresh (4) when there is such a valuation."""
    if DailyValuation.objects.filter(account=account, date=as_of).update(flows_pending=True):
        user_totals_refresh(user_id=account.user_id, since=as_of)


def account_flows_settle(*, account: LinkedAccount, through: datetime.date) -> None:
    """Transactions were read through `through`: the valuations up to it have their flows
    (recomputed as the rows were written). 1 statement, and the totals' refresh (4) from the
    first pending day (`flows_pending_from`, else all of them) when one was pending."""
    settled = DailyValuation.objects.filter(
        account=account, flows_pending=True, date__lte=through
    ).update(flows_pending=False)
    if settled:
        user_totals_refresh(user_id=account.user_id, since=account.flows_pending_from)


@transaction.atomic
def account_watchlist_replace(
    *, account: LinkedAccount, groups: Sequence[records.WatchGroup]
) -> int:
    """Make the account's watchlist exactly `groups`, in the broker's order; the group count.
    Watchlists are small and synced weekly, so they are simply rewritten. 2 statements."""
    WatchGroup.objects.filter(account=account).delete()
    WatchGroup.objects.bulk_create(
        WatchGroup(
            account=account,
            position=position,
            name=_text(group.name, _GROUP_NAME_LENGTH),
            modified=group.modified,
            isins=[isin.strip() for isin in group.isins if isin.strip()],
        )
        for position, group in enumerate(groups)
    )
    return len(groups)
