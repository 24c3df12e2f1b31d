"""`manage.py bench_sync [--days 20]`: what a sync costs, measured on a population of accounts.

It starts a sandbox of its own (`runsandbox` as a subprocess, on a throwaway PostgreSQL database
next to the app's, with a control token so that it can create members), creates a population of
sandbox members with one account each (diamond with `ALL`, cyber paged per asset type, star with
ratios only, and one diamond account of 500+ holdings), connects a bench user of ours to each
through the real OAuth flow, and syncs every account once per simulated trading day, as of
that day (the sandbox's as-of header), the way the nightly run would. The first day is the
accounts' first sync (a year of transactions, the watchlist) and is not counted. It prints:

- upstream calls per account-day by broker, against the floor of one call per account-day;
- database statements per account sync, for the smallest and the 500-holding account alike,
  on a day that reads everything and on a day where nothing moved;
- CPU time of a sync in this process (parsing, diffing, writing; the sandbox's own time is
  not ours, so it is not counted), by broker;
- bytes of storage per account-year, from row-size estimates: the rows a day adds per account
  (measured) times their size (PostgreSQL's `pg_column_size` of the stored rows, plus tuple
  header and line pointer, plus one entry per index), times the KRX trading days of last year;
  sync runs, which a daily retention pass prunes (`brokers.run_retention`), as the rows an
  account keeps at steady state under that policy, charged in full to every account-year.

Bench users (`…@bench.jasan.invalid`) are deleted at the end, with everything synced for them;
the sandbox and its database are removed. Needs PostgreSQL and Redis; about a minute.
"""

from __future__ import annotations

import datetime
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from psycopg import sql

from accounts.models import Identity, User
from brokers import run_retention
from brokers.demo import portal_connect
from brokers.models import LinkedAccount, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.openplatform.config import OpenPlatformConfig
from brokers.resilience.budgets import UserBudget
from brokers.services import linked_accounts_record
from portfolio.management.commands.demo_backfill import business_days
from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Transaction,
    WatchGroup,
)
from portfolio.sync.account import account_sync

ROOT = Path(__file__).resolve().parents[3]
STORAGE_GOAL = 100 * 1024  # bytes per account-year (issue 16)
STATEMENTS_GOAL = 20  # statements of a sync where nothing moved (issue 16)
BENCH_DOMAIN = "bench.jasan.invalid"


def trading_days_a_year() -> int:
    """The KRX trading days of last year (about 245; 261 would count every weekday)."""
    year = timezone.localdate().year - 1
    return len(business_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))


# (broker, sandbox profile, how many): most accounts trade on 7-18 % of trading days.
POPULATION = (
    ("diamond", "default", 10),
    ("cyber", "default", 5),
    ("star", "default", 4),
    ("diamond", "large", 1),
)
TABLES = (
    DailyValuation,
    HoldingPeriod,
    Transaction,
    Holding,
    HoldingsSnapshot,
    WatchGroup,
    SyncRun,
)


@dataclass
class Sample:
    """One counted sync."""

    broker: str
    holdings: int
    calls: int
    cpu: float
    moved: bool
    read_transactions: bool
    read_watchlist: bool


@dataclass
class Bench:
    samples: list[Sample] = field(default_factory=list)
    accounts: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (broker, profile)


# --- a sandbox of our own -------------------------------------------------------------------


def _server_url(database: str) -> str:
    """A PostgreSQL URL for `database` on the app database's server."""
    default = settings.DATABASES["default"]
    auth = str(default.get("USER") or "")
    if auth and default.get("PASSWORD"):
        auth += f":{default['PASSWORD']}"
    host = default.get("HOST") or ""
    port = f":{default['PORT']}" if default.get("PORT") else ""
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{database}"


@dataclass(frozen=True)
class Sandbox:
    url: str
    control_token: str

    def control(self, action: str, **fields: Any) -> dict[str, Any]:
        answer = requests.post(
            f"{self.url}/sandbox/control/{action}",
            json=fields,
            headers={"X-Sandbox-Control": self.control_token},
            timeout=30,
        )
        if answer.status_code != 200:
            raise CommandError(f"sandbox control {action}: HTTP {answer.status_code}")
        return answer.json()


@contextmanager
def own_sandbox() -> Iterator[Sandbox]:
    """`runsandbox --prepare` on a free port and a throwaway database, removed afterwards."""
    database = f"jasan_bench_sandbox_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
    with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sandbox = Sandbox(f"http://127.0.0.1:{port}", secrets.token_urlsafe(24))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.sandbox",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_DATABASE_URL": _server_url(database),
        "SANDBOX_CONTROL_TOKEN": sandbox.control_token,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runsandbox", f"127.0.0.1:{port}", "--prepare"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(sandbox.url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise CommandError("the bench's sandbox did not start")
            time.sleep(0.1)
        yield sandbox
    finally:
        process.terminate()
        process.wait(timeout=20)
        with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
            admin.execute(drop)


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


# --- the command ----------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Measure sync cost (calls, statements, CPU, storage) on a sandbox population."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=20, help="KRX trading days to simulate (default 20)"
        )
        parser.add_argument(
            "--show-statements",
            action="store_true",
            help="print the SQL of the measured syncs where nothing moved",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_sync measures PostgreSQL: embedded mode is not supported.")
        days = options["days"]
        if not 5 <= days <= 120:
            raise CommandError("--days must be between 5 and 120")
        started = time.monotonic()
        User.objects.filter(email__endswith="@" + BENCH_DOMAIN).delete()
        try:
            with own_sandbox() as sandbox, self._settings_for(sandbox):
                self._run(sandbox, days, show=options["show_statements"])
        finally:
            User.objects.filter(email__endswith="@" + BENCH_DOMAIN).delete()
        self.stdout.write(f"\nbench_sync took {time.monotonic() - started:.0f} s")

    @contextmanager
    def _settings_for(self, sandbox: Sandbox) -> Iterator[None]:
        # The sandbox's development registration, at the bench's own sandbox; the as-of header
        # is sent only where the sandbox is enabled. The redirect URI stays the configured one
        # (it follows WEB_PORT), which is the one the sandbox registers for us.
        with override_settings(
            SANDBOX_ENABLED=True,
            OPENPLATFORM_BASE_URL=sandbox.url,
            OPENPLATFORM_AUTHORIZE_URL=sandbox.url + "/auth/oauth/v2/authorize",
            OPENPLATFORM_TOKEN_URL=sandbox.url + "/auth/oauth/v2/token",
            OPENPLATFORM_REVOKE_URL=sandbox.url + "/auth/oauth/v2/token/revoke",
            OPENPLATFORM_CLIENT_ID="jasan-dev",
            OPENPLATFORM_CLIENT_SECRET="jasan-dev-client-secret",  # noqa: S106 - sandbox's own  # nosec B106
            OPENPLATFORM_API_KEY="jasan-dev-api-key",
            OPENPLATFORM_CACHE_SECONDS=0,
        ):
            yield

    def _client(self) -> OpenPlatformClient:
        client = OpenPlatformClient(OpenPlatformConfig.from_settings())
        client.user_budget = UserBudget(limit=0)  # a month of one user's calls at once
        return client

    def _population(self, sandbox: Sandbox, client: OpenPlatformClient, bench: Bench) -> None:
        serial = 0
        for broker, profile, count in POPULATION:
            for _ in range(count):
                serial += 1
                member = sandbox.control(
                    "member",
                    kor_name="벤치" + "가나다라마바사아자차카타파하"[serial % 14] * 2,
                    birth_date="19900101",
                    phone=f"0109{secrets.randbelow(10**7):07d}",
                    portal_id=f"bench{os.getpid()}{serial:03d}",
                    password="bench-password-1",  # noqa: S106 - a throwaway sandbox member  # nosec B106
                    accounts=[{"broker": broker, "profile": profile, "linked": True}],
                )
                user = User.objects.create(email=f"user{serial:03d}@{BENCH_DOMAIN}")
                identity = Identity.objects.create(
                    user=user,
                    ci=member["ci"],
                    korean_name="벤치",
                    verified_at=timezone.now(),
                )
                portal_connect(
                    user=user,
                    portal_id=member["portal_id"],
                    password="bench-password-1",  # noqa: S106  # nosec B106
                    upstream=client,
                )
                linked_accounts_record(user=user, found=client.linked_accounts(identity))
                for account in LinkedAccount.objects.for_user(user):
                    bench.accounts[account.pk] = (broker, profile)

    def _run(self, sandbox: Sandbox, days_count: int, *, show: bool = False) -> None:
        bench = Bench()
        today = timezone.localdate()
        days = business_days(today - datetime.timedelta(days=days_count * 2), today)
        days = [day for day in days if day != today][-(days_count + 1) :]
        with self._client() as client:
            self.stdout.write(f"Creating {sum(n for *_, n in POPULATION)} sandbox accounts…")
            self._population(sandbox, client, bench)
            ids = list(bench.accounts)
            self.stdout.write(f"Syncing them over {len(days)} KRX trading days…")
            before: dict[Any, int] = {}
            for index, day in enumerate(days):
                if index == 1:
                    before = {model: rows_of(model, ids) for model in TABLES}
                for account_id, (broker, _profile) in bench.accounts.items():
                    cpu = time.process_time()
                    outcome = account_sync(
                        account_id=account_id, trigger="nightly", as_of=day, upstream=client
                    )
                    cpu = time.process_time() - cpu
                    if outcome.state != "succeeded" or outcome.run_id is None:
                        raise CommandError(f"a sync failed: {outcome.failure_kind}")
                    if index == 0:
                        continue  # the first sync of each account: not a nightly day
                    detail = SyncRun.objects.get(pk=outcome.run_id).detail
                    bench.samples.append(
                        Sample(
                            broker=broker,
                            holdings=detail["holdings"],
                            calls=outcome.calls,
                            cpu=cpu,
                            moved=detail["moved"],
                            read_transactions="transactions" in detail,
                            read_watchlist="watch_groups" in detail,
                        )
                    )
            after = {model: rows_of(model, ids) for model in TABLES}
            statements = self._statements(bench, client, days[-1], show=show)
        self._report(bench, days_count, before, after, statements, ids)

    def _statements(
        self, bench: Bench, client: OpenPlatformClient, day: datetime.date, *, show: bool = False
    ) -> list[tuple[int, str, int, int]]:
        """Statements of one sync of the smallest diamond account and of the 500-holding one,
        on the same day: reading everything (balance moved, watchlist due), then again with
        nothing moved. (holdings, path, statements, calls) each."""
        diamonds = [pk for pk, (broker, _) in bench.accounts.items() if broker == "diamond"]
        size = {pk: Holding.objects.filter(account_id=pk).count() for pk in diamonds}
        chosen = [min(diamonds, key=size.__getitem__), max(diamonds, key=size.__getitem__)]
        measured = []
        for pk in chosen:
            LinkedAccount.objects.filter(pk=pk).update(
                balance_fingerprint="", watchlist_synced_on=None
            )
            for path in ("everything read", "nothing moved"):
                reset_queries()  # DEBUG keeps a bounded log, which the capture reads
                with CaptureQueriesContext(connection) as queries:
                    outcome = account_sync(
                        account_id=pk, trigger="nightly", as_of=day, upstream=client
                    )
                measured.append((size[pk], path, len(queries), outcome.calls))
                if show and path == "nothing moved" and pk == chosen[0]:
                    self.stdout.write(
                        f"\nStatements of a sync where nothing moved ({len(queries)}):"
                    )
                    for number, query in enumerate(queries.captured_queries, 1):
                        self.stdout.write(f"  {number:>2}. {query['sql'][:160]}")
        return measured

    def _report(
        self,
        bench: Bench,
        days: int,
        before: dict[Any, int],
        after: dict[Any, int],
        statements: list[tuple[int, str, int, int]],
        ids: list[int],
    ) -> None:
        out = self.stdout.write
        samples = bench.samples
        count = len(bench.accounts)
        moved = sum(s.moved for s in samples) / len(samples)
        out(f"\nPopulation: {count} accounts, {days} simulated trading days ({len(samples)} syncs)")
        out(f"Account-days where positions or cash moved: {moved:.0%}\n")

        out("Upstream calls per account-day (floor: 1.00)")
        out(f"  {'broker':<18}{'accounts':>9}{'calls/day':>11}{'txn reads':>11}{'watchlist':>11}")
        groups: dict[str, list[Sample]] = defaultdict(list)
        for sample in samples:
            groups[sample.broker].append(sample)
            if sample.holdings >= 500:
                groups[f"{sample.broker} 500+ only"].append(sample)
        for name, group in sorted(groups.items()):
            n = len(group)
            out(
                f"  {name:<18}{n // days:>9}{sum(s.calls for s in group) / n:>11.2f}"
                f"{sum(s.read_transactions for s in group) / n:>10.0%}"
                f"{sum(s.read_watchlist for s in group) / n:>11.0%}"
            )
        everyone = sum(s.calls for s in samples) / len(samples)
        out(f"  {'all':<18}{count:>9}{everyone:>11.2f}")

        diamond = groups.get("diamond", [])
        if diamond:
            rate = sum(s.calls for s in diamond) / len(diamond)
            out(f"  diamond at most 1.5 calls per account-day: {'yes' if rate <= 1.5 else 'NO'}")

        out("\nDatabase statements per account sync (same day, same path)")
        for holdings, path, number, calls in statements:
            out(f"  {holdings:>4} holdings, {path:<16}{number:>4} statements ({calls} calls)")
        by_path: dict[str, set[int]] = defaultdict(set)
        for _holdings, path, number, _calls in statements:
            by_path[path].add(number)
        same = all(len(numbers) == 1 for numbers in by_path.values())
        out(f"  the same for few and for 500+ holdings: {'yes' if same else 'NO'}")
        idle = max(number for _h, path, number, _c in statements if path == "nothing moved")
        out(
            f"  at most {STATEMENTS_GOAL} statements where nothing moved: "
            f"{'yes' if idle <= STATEMENTS_GOAL else 'NO'}"
        )

        out("\nSync CPU time in this process per account sync (median, max)")
        for name, group in sorted(groups.items()):
            cpu = [s.cpu * 1000 for s in group]
            out(f"  {name:<18}{statistics.median(cpu):>8.1f} ms{max(cpu):>9.1f} ms")

        out(
            "\nStorage per account-year (row-size estimates: pg_column_size of the stored rows"
            "\n+ tuple header and line pointer + one entry per index; rows a day adds, measured,"
            f"\ntimes {trading_days_a_year()} KRX trading days a year; tables rewritten in place"
            " add none)"
        )
        total = 0.0
        year_days = trading_days_a_year()
        for model in TABLES:
            added = (after[model] - before.get(model, 0)) / (count * days)
            size = bytes_per_row(model, ids) if after[model] else 0.0
            if model is SyncRun:
                kept = self._runs_kept(ids, added, year_days)
                yearly = kept * size
                total += yearly
                out(
                    f"  {model._meta.db_table:<28}{added:>7.3f} rows/day{size:>8.0f} B/row"
                    f"{yearly / 1024:>9.1f} KiB (kept: {kept:.1f} rows, see below)"
                )
                continue
            yearly = added * size * year_days
            total += yearly
            out(
                f"  {model._meta.db_table:<28}{added:>7.3f} rows/day{size:>8.0f} B/row"
                f"{yearly / 1024:>9.1f} KiB/year"
            )
        out(f"  {'total':<28}{'':>25}{total / 1024:>9.1f} KiB/year per account")
        verdict = "yes" if total <= STORAGE_GOAL else "NO"
        out(f"  at most {STORAGE_GOAL // 1024} KiB per account-year: {verdict}")
        out(
            "\n  Sync runs are pruned daily (brokers.run_retention): failures kept"
            f" {run_retention.FAILED_DAYS} days; of the other runs, the newest"
            f"\n  {run_retention.KEEP_FINISHED} per account, every run of the last"
            f" {run_retention.RECENT_DAYS} days and the newest of each trigger. They are"
            "\n  counted as the rows an account keeps at steady state (the runs a year adds are"
            "\n  deleted as they age), from the rates measured here, and that stock is charged in"
            "\n  full to every account-year (an account's first year keeps fewer)."
        )

    def _runs_kept(self, ids: list[int], per_day: float, year_days: int) -> float:
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
