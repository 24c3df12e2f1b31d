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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from brokers.models import LinkedAccount, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.openplatform.config import OpenPlatformConfig
from brokers.resilience.budgets import UserBudget
from portfolio.bench.population import BENCH_DOMAIN, POPULATION, Bench, Sample, population_create
from portfolio.bench.report import report
from portfolio.bench.sandbox import Sandbox, own_sandbox
from portfolio.bench.storage import TABLES, rows_of
from portfolio.management.commands.demo_backfill import business_days
from portfolio.models import (
    Holding,
)
from portfolio.sync.account import account_sync


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

    def _run(self, sandbox: Sandbox, days_count: int, *, show: bool = False) -> None:
        bench = Bench()
        today = timezone.localdate()
        days = business_days(today - datetime.timedelta(days=days_count * 2), today)
        days = [day for day in days if day != today][-(days_count + 1) :]
        with self._client() as client:
            self.stdout.write(f"Creating {sum(n for *_, n in POPULATION)} sandbox accounts…")
            population_create(sandbox, client, bench)
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
        report(self.stdout.write, bench, days_count, before, after, statements, ids)

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
