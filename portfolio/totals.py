"""Each user's net worth per day, kept up to date by whatever writes valuations.

The overview's figures and its time-weighted return are computed over the total of a user's
accounts, day by day (`portfolio.returns.combine`). Combining every account's rows on each
view after a sync would read and add up thousands of rows (5 accounts × 3 years ≈ 3,700) for a
few hundred points. `DailyTotal` keeps those points instead, one row per user and day:

- Writers of valuations (`portfolio.services`, the demo seed) call `user_totals_refresh` in
  the same transaction, with the first day they changed: the points from that day on are
  recomputed from the valuations (each account's last valuation before it is the value carried
  into it, and marks the account as started) and rewritten, and points of days no account has
  any more are deleted. Days before it cannot change: a point depends only on valuations up to
  its own day. A daily sync therefore rewrites one row.
- Syncs of one user's accounts run side by side (`demo_backfill`, the nightly fan-out): a
  refresh takes a lock per user for the rest of its transaction, so that two of them never
  combine without each other's rows; the one that waits reads what the other committed.
- Deleting an account refreshes its user's totals from the start (`account_deleted`).
- Readers (`total_points`) read a range's points in one query; `totals_agree` checks the last
  one against the accounts' latest valuations, which every page has read anyway, and a page
  that finds them apart (valuations written by something that did not refresh) computes the
  points from the valuations as before, so a stale total is never shown.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery

from brokers.models import LinkedAccount
from portfolio.models import DailyTotal, DailyValuation
from portfolio.returns import ValuationPoint, combine

logger = logging.getLogger(__name__)

# The advisory lock a refresh takes is one 64-bit key: the letters "DT" (daily totals) in its
# top bits and the user's id below them, so that no other use of advisory locks takes it.
_LOCK_SPACE = 0x4454 << 48


def valuation_points(
    *,
    user_id: int,
    start: datetime.date | None,
    end: datetime.date,
    account_id: int | None = None,
    flows: bool = True,
) -> dict[int, list[ValuationPoint]]:
    """Each of the user's accounts' (or the one with `account_id`'s) valuation points over
    (start, end], by account id; without `flows`, values only (flows left at zero, never
    pending: for charts, which draw values, at a third of the decoding).

    Each series begins with the account's last valuation on or before `start` when it has one:
    the base a range is measured from, and the value carried into the range until the account's
    next valuation. Days without a total (no amounts known) are left out, never made zero.
    Weights-only accounts have no valuations and do not appear. 1 query.
    """
    rows = DailyValuation.objects.filter(
        account__user_id=user_id, date__lte=end, total_value__isnull=False
    )
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    if start is not None:
        # The base row is looked up once per account (an index probe each), not once per
        # valuation row: an account has thousands of rows and a user a handful of accounts.
        bases = (
            LinkedAccount.objects.filter(user_id=user_id)
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
    rows = rows.order_by("account_id", "date")
    if not flows:
        for owner, day, total in rows.values_list("account_id", "date", "total_value"):
            if total is not None:  # never None: the query leaves those rows out
                series.setdefault(owner, []).append(ValuationPoint(day, total))
        return series
    for owner, day, total, inflow, outflow, pending in rows.values_list(
        "account_id", "date", "total_value", "inflow", "outflow", "flows_pending"
    ):
        if total is not None:
            series.setdefault(owner, []).append(
                ValuationPoint(day, total, inflow, outflow, pending)
            )
    return series


def total_rows(model: Any, user_id: int, points: Iterable[ValuationPoint]) -> list[Any]:
    """`DailyTotal` rows (of `model`: the migration that fills the table passes its own) of a
    user's combined points."""
    return [
        model(
            user_id=user_id,
            date=point.date,
            total_value=point.value,
            inflow=point.inflow,
            outflow=point.outflow,
            flows_pending=point.pending,
        )
        for point in points
    ]


def _user_lock(user_id: int) -> None:
    """Hold the user's totals lock until the end of the transaction (PostgreSQL; the embedded
    SQLite mode runs one writer at a time anyway). 1 statement."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::bigint)", [_LOCK_SPACE | user_id])


@transaction.atomic(savepoint=False)
def user_totals_refresh(*, user_id: int, since: datetime.date | None) -> int:
    """Recompute the user's daily totals from `since` on (all of them for None) from the
    valuations as they are now in this transaction; the number of points written.
    4 statements (lock, read, delete, upsert); 3 when no point is left."""
    _user_lock(user_id)
    base = None if since is None else since - datetime.timedelta(days=1)
    accounts = valuation_points(user_id=user_id, start=base, end=datetime.date.max)
    points = [point for point in combine(accounts.values()) if since is None or point.date >= since]
    stale = DailyTotal.objects.filter(user_id=user_id)
    if since is not None:
        stale = stale.filter(date__gte=since)
    stale.exclude(date__in=[point.date for point in points]).delete()
    if points:
        DailyTotal.objects.bulk_create(
            total_rows(DailyTotal, user_id, points),
            update_conflicts=True,
            unique_fields=["user", "date"],
            update_fields=["total_value", "inflow", "outflow", "flows_pending"],
        )
    return len(points)


def account_deleted(sender: type[LinkedAccount], instance: LinkedAccount, **kwargs: Any) -> None:
    """`post_delete` of a linked account: its valuations went with it, so every total of its
    user is recomputed without them (nothing is left when it was the last account)."""
    user_totals_refresh(user_id=instance.user_id, since=None)


def total_points(
    *, user_id: int, start: datetime.date | None, end: datetime.date
) -> list[ValuationPoint]:
    """The user's total over (start, end]: the last point on or before `start` (the base the
    range is measured from), then every point after it up to `end`, in date order; the same
    points as combining the accounts' `valuation_points` over the range. 1 query."""
    rows = DailyTotal.objects.filter(user_id=user_id, date__lte=end)
    if start is not None:
        base = (
            DailyTotal.objects.filter(user_id=user_id, date__lte=start)
            .order_by("-date")
            .values("date")[:1]
        )
        rows = rows.filter(Q(date__gt=start) | Q(date=Subquery(base)))
    return [
        ValuationPoint(day, total, inflow, outflow, pending)
        for day, total, inflow, outflow, pending in rows.order_by("date").values_list(
            "date", "total_value", "inflow", "outflow", "flows_pending"
        )
    ]


def totals_agree(
    points: list[ValuationPoint], latest: Iterable[DailyValuation], as_of: datetime.date
) -> bool:
    """Whether `points` (ending at `as_of`) end where the accounts' latest valuations say they
    must: on `as_of`, at the sum of their latest totals, pending when one of that day's is.
    No query. False means the totals were not refreshed after a write: the caller combines the
    valuations instead (and it is logged, as a writer is missing its refresh)."""
    latest = [row for row in latest if row.total_value is not None]
    expected = sum((row.total_value for row in latest if row.total_value is not None), Decimal(0))
    pending = any(row.flows_pending for row in latest if row.date == as_of)
    last = points[-1] if points else None
    agree = (
        last is not None
        and last.date == as_of
        and last.value == expected
        and last.pending == pending
    )
    if not agree:
        logger.warning("daily totals out of step with the valuations; combining them instead")
    return agree
