"""Applying a balance or portfolio answer: instruments, current holdings and their history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from brokers import records
from brokers.models import LinkedAccount
from brokers.upstream import Portfolio
from portfolio.models import (
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    asset_class_for,
)
from portfolio.services.lines import (
    Line,
    Seen,
    balance_lines,
    by_position,
    portfolio_lines,
)
from portfolio.services.valuations import (
    valuation_figures,
    valuation_save,
)
from portfolio.services.values import (
    as_rate,
)


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


def _snapshot_date_locked(account: LinkedAccount) -> datetime.date | None:
    """The date of the account's current holdings, with its row locked for this transaction.

    The lock serialises two applies of one account should the sync's own claim ever fail.
    1 statement.
    """
    dates = list(
        HoldingsSnapshot.objects.select_for_update()
        .filter(account=account)
        .values_list("as_of", flat=True)
    )
    return dates[0] if dates else None


def _instruments_save(seen: Iterable[Seen]) -> dict[str, int]:
    """Ids of the instruments by key, creating new ones and learning names and types.

    A known name or type is never erased by an answer that lacks it. Only new or changed
    instruments are written. 1 or 2 statements.
    """
    wanted: dict[str, Seen] = {}
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
    account: LinkedAccount, as_of: datetime.date, positions: Mapping[tuple[int, str], Line]
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
    account: LinkedAccount, as_of: datetime.date, positions: Mapping[tuple[int, str], Line]
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
    account: LinkedAccount, as_of: datetime.date, lines: Iterable[Line]
) -> tuple[int, int]:
    """Instruments, current holdings and history of one answer; (opened, closed).
    5 to 10 statements."""
    by_key = by_position(lines)
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
    SQL: at most 13 statements, whatever the number of holdings; 8 on a day where nothing but
    prices moved. All of them or none: a transaction of their own, or the caller's when there
    is one (a sync writes its whole answer in one), without a savepoint: nothing here is tried
    and then undone while the rest goes on, so a failure undoes the caller's block too.
    """
    lines = balance_lines(equities, funds, others)
    if summary is None and not lines:
        raise ValueError("a balance answer with no summary and no holding cannot be applied")
    with transaction.atomic(savepoint=False):
        current = _snapshot_date_locked(account)
        figures = valuation_figures(summary, lines)
        if (current is not None and as_of < current) or not lists_complete:
            if figures is not None:
                valuation_save(account, as_of, figures)
            return HoldingsApplied(as_of=as_of, stale=True)
        opened, closed = _positions_save(account, as_of, lines)
        if figures is not None:
            valuation_save(account, as_of, figures)
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
    current = _snapshot_date_locked(account)
    if (current is not None and as_of < current) or not portfolio.complete:
        return HoldingsApplied(as_of=as_of, stale=True)
    opened, closed = _positions_save(account, as_of, portfolio_lines(portfolio))
    _snapshot_save(
        account, as_of, HoldingsSnapshot.Source.PORTFOLIO, cash_weight=as_rate(portfolio.cash_amt)
    )
    return HoldingsApplied(as_of=as_of, opened=opened, closed=closed)
