"""Fixtures and checks for the sync's tests: a Celery worker pointed at the live sandbox, and
comparisons of what a sync stored with what the sandbox's own data module says.

Import the fixtures a test module uses by name (they are not in a conftest, so that only the
sync's tests see them).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from brokers.models import LinkedAccount, SyncRun
from brokers.sandbox import data
from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Transaction,
    WatchGroup,
)
from tests.conftest import tests_database_url, worker_process

PROFILES = {"160812345678900001": data.AccountProfile.LARGE}


def profile_of(account: LinkedAccount) -> data.AccountProfile:
    return PROFILES.get(account.vt_acc_no, data.AccountProfile.DEFAULT)


@dataclass
class Worker:
    node: str
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to clean up, as when a machine dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_children(self) -> list[int]:
        """SIGKILL the pool processes of a prefork worker (as the OOM killer would), leaving
        its main process, which requeues their tasks and starts new ones; their pids."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        return [int(child) for child in children]


def start_worker(
    live_sandbox: Any, django_db_blocker: Any, output_dir: Any, *, pool: str = "solo"
) -> Any:
    """A real worker whose settings point at the live sandbox; short delays for retries."""
    from config.celery_app import app

    with django_db_blocker.unblock():
        database_url = tests_database_url()
    # Messages left by earlier runs of these tests must not reach this worker.
    app.control.purge()
    return worker_process(output_dir, database_url, live_sandbox.settings_overrides(), pool=pool)


@pytest.fixture(scope="module")
def sync_worker(live_sandbox, django_db_setup, django_db_blocker, output_dir) -> Iterator[Worker]:
    with start_worker(live_sandbox, django_db_blocker, output_dir) as (node, process):
        yield Worker(node, process)


@pytest.fixture
def prefork_worker(
    live_sandbox, django_db_setup, django_db_blocker, output_dir
) -> Iterator[Worker]:
    """A worker of the test's own with a prefork pool of one process, for tests that kill it."""
    with start_worker(live_sandbox, django_db_blocker, output_dir, pool="prefork") as (
        node,
        process,
    ):
        yield Worker(node, process)


@pytest.fixture
def own_worker(live_sandbox, django_db_setup, django_db_blocker, output_dir) -> Iterator[Worker]:
    """A worker of the test's own, for tests that kill it."""
    with start_worker(live_sandbox, django_db_blocker, output_dir) as (node, process):
        yield Worker(node, process)


def wait_for(condition: Any, *, timeout: float = 30, what: str = "the condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def runs_done(account_ids: list[int], *, timeout: float = 60) -> list[SyncRun]:
    """Wait until no run of these accounts is queued or running; every run, oldest first."""

    def settled() -> bool:
        runs = SyncRun.objects.filter(account_id__in=account_ids)
        return runs.exists() and not runs.filter(state__in=["queued", "running"]).exists()

    wait_for(settled, timeout=timeout, what="the sync runs to finish")
    return list(SyncRun.objects.filter(account_id__in=account_ids).order_by("id"))


# --- what the sandbox holds, and what we stored -------------------------------------------


def _cash_code(code: str) -> str:
    return "" if code in ("", data.CASH_CODE) else code


def expected_holdings(snapshot: data.AccountSnapshot) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(instrument key, trade type) → (quantity, purchase, current, P/L, rate), from a balance."""
    lines: dict[tuple[str, str], tuple[Any, ...]] = {}
    for h in snapshot.equities:
        lines[(h.isin, h.trade_type)] = (
            h.qty,
            h.val_at_trade,
            h.val_at_cur,
            h.pro_loss,
            h.earning_rate,
        )
    for f in snapshot.funds:
        lines[(f.fund_code, "")] = (None, f.val_at_trade, f.val_at_cur, f.pro_loss, f.earning_rate)
    for o in snapshot.others:
        # etcList carries no ISIN and no P/L: the instrument is known by type and name.
        lines[(f"ETC:{o.asset_type}:{o.name}", o.trade_type)] = (
            o.qty,
            o.val_at_trade,
            o.val_at_cur,
            None,
            o.earning_rate,
        )
    return lines


def stored_holdings(account: LinkedAccount) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (h.instrument.key, h.trade_type): (
            h.quantity,
            h.purchase_value,
            h.current_value,
            h.profit_loss,
            h.return_rate,
        )
        for h in Holding.objects.filter(account=account).select_related("instrument")
    }


def expected_weights(snapshot: data.AccountSnapshot) -> dict[str, Decimal]:
    """Instrument key → weight within its family, from a ratio-only portfolio."""
    ratios = data.portfolio_ratios(snapshot)
    weights = {w.holding.isin: w.weight for w in ratios.equities}
    weights |= {w.holding.fund_code: w.weight for w in ratios.funds}
    weights |= {f"ETC:{w.holding.asset_type}:{w.holding.name}": w.weight for w in ratios.others}
    return weights


def expected_valuation(snapshot: data.AccountSnapshot) -> tuple[Any, ...]:
    s = snapshot.summary
    return (s.cash_balance, s.d1, s.d2, s.value_at_cur, s.val_at_trade, s.pro_loss, s.total_acc_val)


def stored_valuation(account: LinkedAccount, day: datetime.date) -> tuple[Any, ...]:
    v = DailyValuation.objects.get(account=account, date=day)
    return (
        v.cash,
        v.cash_d1,
        v.cash_d2,
        v.securities_value,
        v.purchase_value,
        v.profit_loss,
        v.total_value,
    )


def expected_transactions(
    account: LinkedAccount, start: datetime.date, end: datetime.date
) -> list[tuple[Any, ...]]:
    return [
        (t.trans_date, t.trans_type, _cash_code(t.isin_code), t.change_amt, t.change_qty, t.qty)
        for t in data.transactions_between(account.vt_acc_no, profile_of(account), start, end)
    ]


def stored_transactions(
    account: LinkedAccount, start: datetime.date, end: datetime.date
) -> list[tuple[Any, ...]]:
    return [
        (t.date, t.type, t.isin, t.change_amount, t.change_quantity, t.quantity_after)
        for t in Transaction.objects.filter(account=account, date__range=(start, end)).order_by(
            "date", "ordinal"
        )
    ]


def expected_watchlist(account: LinkedAccount) -> list[tuple[Any, ...]]:
    return [
        (g.group_name, g.modify_date, list(g.isin_codes)) for g in data.watchlist(account.vt_acc_no)
    ]


def stored_watchlist(account: LinkedAccount) -> list[tuple[Any, ...]]:
    return [
        (g.name, g.modified, g.isins)
        for g in WatchGroup.objects.filter(account=account).order_by("position")
    ]


def account_rows(account: LinkedAccount) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of an account's data, ids included (watchlist groups by value: they are
    rewritten whole each time they are synced)."""

    def rows(model: Any, *fields: str) -> list[tuple[Any, ...]]:
        return list(model.objects.filter(account=account).order_by("pk").values_list(*fields))

    return {
        "holdings": rows(
            Holding, "pk", "instrument_id", "trade_type", "as_of", "quantity", "current_value"
        ),
        "periods": rows(HoldingPeriod, "pk", "instrument_id", "quantity", "valid_from", "valid_to"),
        "valuations": rows(DailyValuation, "pk", "date", "total_value", "inflow", "outflow"),
        "transactions": rows(Transaction, "pk", "date", "ordinal", "type", "change_amount"),
        "snapshot": rows(HoldingsSnapshot, "as_of", "source"),
        "watchlist": stored_watchlist(account),
    }
