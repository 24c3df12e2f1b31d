"""Storage estimates: the rows a day adds and the bytes a row takes, per account-year."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from psycopg import sql

from brokers import run_retention
from brokers.models import SyncRun
from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Transaction,
    WatchGroup,
)
from portfolio.trading_days import trading_days

STORAGE_GOAL = 100 * 1024  # bytes per account-year (issue 16)


def trading_days_a_year() -> int:
    """The KRX trading days of last year (about 245; 261 would count every weekday)."""
    year = timezone.localdate().year - 1
    return len(trading_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))


TABLES = (
    DailyValuation,
    HoldingPeriod,
    Transaction,
    Holding,
    HoldingsSnapshot,
    WatchGroup,
    SyncRun,
)


# --- storage estimates ----------------------------------------------------------------------


def _align(size: float) -> float:
    return (int(size) + 7) // 8 * 8


def bytes_per_row(model: Any, account_ids: list[int]) -> float:
    """Estimated bytes one stored row of `model` takes: its tuple (`pg_column_size` of the
    bench's rows, aligned, plus the 24-byte header and 4-byte line pointer) and an entry in
    each of its indexes (8-byte header plus the key columns' average sizes, aligned, plus a
    line pointer)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT avg(pg_column_size(t.*)) FROM {} t WHERE account_id = ANY(%s)").format(
                sql.Identifier(table)
            ),
            [account_ids],
        )
        (row_size,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT array_agg(a.attname ORDER BY k.n)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = %s::regclass
            GROUP BY i.indexrelid
            """,
            [table],
        )
        indexes = [columns for (columns,) in cursor.fetchall()]
        total = _align(float(row_size or 0)) + 24 + 4
        for columns in indexes:
            sizes = sql.SQL(" + ").join(
                sql.SQL("coalesce(pg_column_size({}), 0)").format(sql.Identifier(c))
                for c in columns
            )
            cursor.execute(
                sql.SQL("SELECT avg({}) FROM {} WHERE account_id = ANY(%s)").format(
                    sizes, sql.Identifier(table)
                ),
                [account_ids],
            )
            (key_size,) = cursor.fetchone()
            total += _align(8 + float(key_size or 0)) + 4
    return total


def rows_of(model: Any, account_ids: list[int]) -> int:
    return model.objects.filter(account_id__in=account_ids).count()


def runs_kept(ids: list[int], per_day: float, year_days: int) -> float:
    """Sync-run rows one account keeps at steady state under the retention policy, from
    the bench's own rates: finished runs, failures (per trading day) and triggers."""
    runs = SyncRun.objects.filter(account_id__in=ids)
    accounts = len(ids)
    trading_share = year_days / 365
    failed_share = runs.filter(state=SyncRun.State.FAILED).count() / max(runs.count(), 1)
    finished_per_day = per_day * (1 - failed_share)
    failed_per_day = per_day * failed_share
    recent = finished_per_day * run_retention.RECENT_DAYS * trading_share
    triggers = runs.values("account_id", "trigger").distinct().count() / accounts
    finished = max(float(run_retention.KEEP_FINISHED), recent) + max(triggers - 1, 0)
    failed = failed_per_day * run_retention.FAILED_DAYS * trading_share
    return finished + failed
