"""Measure the dashboard's pages server-side against a bare signed-in page.

Seeds a throwaway user (5 accounts × 300 holdings × 3 years of KRX trading-day valuations by
default) with instruments of its own, requests each page in-process through Django's test client
(middleware, session, template rendering: everything but the network), and prints per page the
median and 95th-percentile time, the queries issued, and the ratio of the median to the bare
page's, measured in the same run with the rounds interleaved so that drift hits every page
alike. Everything it created is deleted afterwards, whatever happens; no real user is read
or touched.

The first view of each page is measured after every page was seen once (templates compiled,
code paths warm, as in a server that has been up for a while) and new data then landed: each
account's holdings snapshot is stamped anew, as every sync does, so every cached part of the
user's pages is out of date and rebuilt by that view. New data lands `--landings` times (5);
the median of each page's first views is reported, as one sample says little on a busy
machine.

Goals (issue 16), printed as PASS or FAIL per page: every page's median within 3.0× the bare
page's median, and every first view within 5.0× the bare page's median.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from portfolio.demo_data.seed import portfolio_seed
from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    Transaction,
)

BARE = "bare page"
MEDIAN_GOAL = 3.0  # a page's median, in bare-page medians
FIRST_VIEW_GOAL = 5.0  # a page's first view after new data, in bare-page medians


class Command(BaseCommand):
    help = "Time the dashboard's pages against a bare signed-in page on a large seeded user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=5)
        parser.add_argument("--holdings", type=int, default=300)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--rounds", type=int, default=30, help="timed requests per page")
        parser.add_argument(
            "--landings",
            type=int,
            default=5,
            help="times new data lands; each page's first view is timed after each (median)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tag = uuid.uuid4().hex[:10]
        prefix = f"BENCH{tag}-"
        user = User.objects.create_user(email=f"bench-{tag}@bench.invalid", password=None)
        try:
            started = time.perf_counter()
            seeded = portfolio_seed(
                user=user,
                end=timezone.localdate(),
                days=options["years"] * 365,
                accounts=options["accounts"],
                holdings=options["holdings"],
                star=False,
                instrument_prefix=prefix,
            )
            self._analyze()
            self.stdout.write(
                f"Seeded {options['accounts']} accounts × {options['holdings']} holdings × "
                f"{len(seeded.dates)} trading days in {time.perf_counter() - started:.1f} s."
            )
            with override_settings(
                ROOT_URLCONF="portfolio.bench_urls",
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
            ):
                results = self._measure(
                    user, seeded.accounts[0].pk, options["rounds"], options["landings"]
                )
            self._print(results)
        finally:
            # Deleting the user cascades to its accounts and every row hanging off them.
            user.delete()
            Instrument.objects.filter(key__startswith=prefix).delete()

    def _analyze(self) -> None:
        """Vacuum and refresh the planner's statistics, as autovacuum would have long done for
        data that grew over years: without it, thousands of rows inserted a moment ago look
        like none, the plans measured would be ones production never runs, and index-only
        scans would visit every row's page (no visibility map yet)."""
        if connection.vendor != "postgresql":
            return
        tables = [
            model._meta.db_table
            for model in (DailyValuation, Holding, HoldingPeriod, Transaction, Instrument)
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')

    def _urls(self, account_id: int) -> dict[str, str]:
        return {
            BARE: reverse("dashboard_bare"),
            "overview (1Y)": reverse("home"),
            "overview (all, by broker)": reverse("home") + "?range=ALL&stack=broker",
            "net-worth data (1Y)": reverse("chart_networth"),
            "net-worth data (all)": reverse("chart_networth") + "?range=ALL",
            "holdings": reverse("holdings"),
            "holdings by P/L": reverse("holdings") + "?sort=-pl",
            "transactions": reverse("transactions"),
            "watchlists": reverse("watchlists"),
            "account": reverse("account_detail", args=[account_id]),
            "account data (1Y)": reverse("chart_account", args=[account_id]),
            "holdings by instrument": reverse("holdings_by_instrument"),
            "realized P/L": reverse("realized_pl"),
        }

    def _measure(
        self, user: User, account_id: int, rounds: int, landings: int
    ) -> dict[str, dict[str, float]]:
        client = Client()
        client.force_login(user)
        urls = self._urls(account_id)
        # Every page once: templates compiled, URL patterns and code loaded, as in a server
        # that has been up for a while.
        for url in urls.values():
            client.get(url)
        # New data lands, `landings` times: every sync stamps the account's holdings snapshot
        # anew, which every cached part of the user's pages is keyed on (`portfolio.caching`);
        # after each, every page's first view is timed, and the median is reported.
        firsts: dict[str, list[float]] = {name: [] for name in urls}
        cold_queries: dict[str, int] = {}
        for _ in range(landings):
            HoldingsSnapshot.objects.filter(account__user=user).update(updated_at=timezone.now())
            for name, url in urls.items():
                # The first view after the data changed: nothing of this user is cached yet.
                with CaptureQueriesContext(connection) as captured:
                    begin = time.perf_counter()
                    response = client.get(url)
                    firsts[name].append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{name} answered {response.status_code}")
                cold_queries[name] = len(captured)
        cold = {name: (statistics.median(firsts[name]), cold_queries[name]) for name in urls}
        warm_queries: dict[str, int] = {}
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            warm_queries[name] = len(captured)
        timings: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(rounds):
            for name, url in urls.items():
                begin = time.perf_counter()
                client.get(url)
                timings[name].append((time.perf_counter() - begin) * 1000)
        return {
            name: {
                "median": statistics.median(values),
                "p95": statistics.quantiles(values, n=20)[-1],
                "queries": warm_queries[name],
                "cold": cold[name][0],
                "cold_queries": cold[name][1],
            }
            for name, values in timings.items()
        }

    def _print(self, results: dict[str, dict[str, float]]) -> None:
        bare = results[BARE]["median"]
        width = max(len(name) for name in results)
        self.stdout.write("")
        self.stdout.write(
            f"{'page':<{width}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}  "
            f"{'× bare':>6}  {'first view ms':>13}  {'queries':>7}  {'× bare':>6}  verdict"
        )
        self.stdout.write("-" * (width + 90))
        failed = []
        for name, row in results.items():
            median, first = row["median"] / bare, row["cold"] / bare
            ok = median <= MEDIAN_GOAL and first <= FIRST_VIEW_GOAL
            if not ok:
                failed.append(name)
            self.stdout.write(
                f"{name:<{width}}  {row['median']:>9.1f}  {row['p95']:>8.1f}  "
                f"{row['queries']:>7}  {median:>6.2f}  "
                f"{row['cold']:>13.1f}  {row['cold_queries']:>7}  {first:>6.2f}  "
                f"{'PASS' if ok else 'FAIL'}"
            )
        self.stdout.write("")
        self.stdout.write(
            "median, p95, queries: repeated views of unchanged data; first view: median of the "
            "first request after new data landed, over the landings (cached parts rebuilt, "
            "templates already compiled)."
        )
        self.stdout.write(
            f"Goals: median within {MEDIAN_GOAL:.1f}× the bare page's median, first view within "
            f"{FIRST_VIEW_GOAL:.1f}× it."
        )
        self.stdout.write("")
        if failed:
            self.stdout.write(
                f"FAIL: {len(failed)} of {len(results)} pages miss a goal: " + ", ".join(failed)
            )
        else:
            self.stdout.write(f"PASS: all {len(results)} pages within both goals.")
