"""Build a user's daily history by running the real sync day by day against the sandbox:
`manage.py demo_backfill --days 365 [--user EMAIL] [--if-empty]`.

Each of the user's accounts is synced as of each business day of the span, oldest first
(`account_sync` with `as_of`, which the client sends as the sandbox's development header
`X-Sandbox-As-Of`), then once more for today. It is the nightly sync replayed, with nothing
written any other way: the first day reads a year of transactions before it, later days read
transactions only when the balance moved (or weekly), the watchlist weekly. Runs are recorded
with the trigger `backfill`.

Fewer calls where a day costs many: an account whose broker has no `ALL` (its balance is one
paged query per asset type: 4 calls a day, about 30 for 500 holdings) is synced on the last
business day of each week instead of every day; its days in between are carried at their last
value, as the charts do for any day without a valuation, and its transactions (hence its flows)
are all there. Accounts run side by side, one thread each. Measured on the sandbox for the demo
persona (diamond ×2, star, cyber with 536 holdings), 365 days: see README.

The client used here has no per-user daily call budget (OPENPLATFORM_USER_DAILY_CALLS): a
backfill spends a year of one user's calls at once, which is why it is offered only against the
sandbox.
"""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import db
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.management.commands.seed_demo import DEMO_EMAIL
from accounts.models import User
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.resilience.budgets import UserBudget
from portfolio.demo_progress import history_progress_get, history_progress_set
from portfolio.models import HoldingsSnapshot
from portfolio.sync.account import SyncOutcome, account_sync
from portfolio.trading_days import trading_days


def business_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The KRX trading days from `start` to `end`, both included (the nightly sync's days)."""
    return trading_days(start, end)


def week_ends(days: list[datetime.date]) -> list[datetime.date]:
    """The last of `days` in each ISO week."""
    last: dict[tuple[int, int], datetime.date] = {}
    for day in days:
        last[day.isocalendar()[:2]] = day
    return sorted(last.values())


def backfill_client() -> OpenPlatformClient:
    """The platform client, without the per-user daily call budget (see the module docstring)."""
    client = OpenPlatformClient()
    client.user_budget = UserBudget(limit=0)
    return client


@dataclass
class Progress:
    """What the threads did, for the summary (guarded by `lock`). With `report` set, each
    sync done is reported as it happens (`--progress`)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    report: Callable[[int], None] | None = None

    def add(self, outcome: SyncOutcome) -> None:
        with self.lock:
            failed = outcome.state == SyncRun.State.FAILED
            self.outcomes[outcome.failure_kind if failed else outcome.state] += 1
            self.calls += outcome.calls
            self.done += 1
            if self.report is not None:
                self.report(self.done)


def account_backfill(
    account: LinkedAccount, days: list[datetime.date | None], progress: Progress
) -> None:
    """Sync one account as of each of `days` (None: today), in order, in this thread."""
    try:
        with backfill_client() as client:
            for day in days:
                progress.add(
                    account_sync(
                        account_id=account.pk,
                        trigger=SyncRun.Trigger.BACKFILL,
                        as_of=day,
                        upstream=client,
                    )
                )
    finally:
        db.connection.close()  # this thread's own connection


class Command(BaseCommand):
    help = "Sync a user's accounts day by day over a past span, as of each day (sandbox only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=365, help="how far back (default 365)")
        parser.add_argument("--user", help="e-mail of the user (default: the demo user)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the user already has synced data (what `make run` asks)",
        )
        parser.add_argument(
            "--link",
            action="store_true",
            help="first link the user to the sandbox persona (demo_link) if not connected",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="print `progress DONE TOTAL` after each sync and keep the dashboard's banner "
            "up to date (what `make run` asks)",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="only print `empty`, `partial` (a `--progress` build did not finish), `synced` "
            "or `no-user` (no sandbox needed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["user"] or os.environ.get("DEMO_EMAIL") or DEMO_EMAIL
        user = User.objects.filter(email=email).first()
        has_data = user is not None and HoldingsSnapshot.objects.for_user(user).exists()
        if options["status"]:
            self.stdout.write(_status(user, has_data))
            return
        if not settings.SANDBOX_ENABLED:
            raise CommandError("demo_backfill needs the sandbox's as-of header: enable it.")
        if not 1 <= options["days"] <= 3 * 365:
            raise CommandError("--days must be between 1 and 1095")
        if user is None:
            raise CommandError(f"no user {email}")
        if options["if_empty"] and has_data:
            self.stdout.write(f"{email} already has synced data: nothing to backfill.")
            return
        if not options["progress"]:
            self._backfill(user, options["days"], options["link"], report=False)
            return
        history_progress_set(user.pk, "linking" if options["link"] else "building")
        try:
            self._backfill(user, options["days"], options["link"], report=True)
        except BaseException:
            history_progress_set(user.pk, "failed")
            raise

    def _backfill(self, user: User, span: int, link: bool, *, report: bool) -> None:
        email = user.email
        if (
            link
            and not Connection.objects.filter(user=user, status=Connection.Status.ACTIVE).exists()
        ):
            call_command("demo_link", user=email, stdout=self.stdout, stderr=self.stderr)
        accounts = list(
            LinkedAccount.objects.for_user(user)
            .filter(status=LinkedAccount.Status.LINKED)
            .select_related("broker")
            .order_by("pk")
        )
        if not accounts:
            raise CommandError(f"{email} has no linked account: run demo_link first")
        if not Connection.objects.filter(user=user, status=Connection.Status.ACTIVE).exists():
            raise CommandError(f"{email} is not connected: run demo_link first")

        today = timezone.localdate()
        daily = business_days(today - datetime.timedelta(days=span), today)
        daily = [day for day in daily if day != today]
        plans = {
            account: [*(daily if cheap_daily(account) else week_ends(daily)), None]
            for account in accounts
        }
        started = time.monotonic()
        progress = Progress()
        total = sum(len(days) for days in plans.values())
        if report:
            progress.report = self._reporter(user.pk, total)
            progress.report(0)
        if db.connection.vendor == "sqlite":
            # Embedded mode: SQLite takes one writer at a time, so no threads.
            for account, days in plans.items():
                account_backfill(account, days, progress)
        else:
            threads = [
                threading.Thread(target=account_backfill, args=(account, days, progress))
                for account, days in plans.items()
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        summary = ", ".join(f"{n} {state}" for state, n in sorted(progress.outcomes.items()))
        if report:
            history_progress_set(user.pk, "done", done=total, total=total)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backfilled {len(accounts)} accounts of {email} over {span} days "
                f"({total} syncs: {summary}; "
                f"{progress.calls} upstream calls) in {time.monotonic() - started:.0f} s."
            )
        )

    def _reporter(self, user_id: int, total: int) -> Callable[[int], None]:
        """A line per sync for the console; the banner's record at each new percent."""
        shown = {"percent": -1}

        def report(done: int) -> None:
            self.stdout.write(f"progress {done} {total}")
            self.stdout.flush()
            percent = 100 * done // total if total else 100
            if percent != shown["percent"]:
                shown["percent"] = percent
                history_progress_set(user_id, "building", done=done, total=total)

        return report


def cheap_daily(account: LinkedAccount) -> bool:
    """Whether a day's balance costs one call: `ALL` accepted, or ratios only (one portfolio
    call, `ALL` too at the sandbox's star)."""
    return account.broker.supports_all or not account.broker.has_balance


def _status(user: User | None, has_data: bool) -> str:
    if user is None:
        return "no-user"
    if not has_data:
        return "empty"
    progress = history_progress_get(user.pk)
    return "partial" if progress is not None and progress.state != "done" else "synced"
