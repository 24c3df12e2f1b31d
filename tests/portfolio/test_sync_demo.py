"""The demo's history: `demo_link` connects a user as the sandbox persona through the real
identity check and OAuth flow, and `demo_backfill` replays the real sync day by day."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command

from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.sandbox import data
from portfolio.demo_progress import HistoryProgress, history_progress_get, history_progress_set
from portfolio.management.commands.demo_backfill import business_days, week_ends
from portfolio.models import DailyValuation
from tests.factories import UserFactory
from tests.portfolio.sync_support import expected_valuation, profile_of, stored_valuation
from tests.sandbox_server import sandbox_today

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "demo@example.com"


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_demo_link_and_backfill_build_daily_history_through_the_real_sync(on_sandbox):
    user = UserFactory(email=EMAIL)
    assert run("demo_backfill", "--status", user=EMAIL).strip() == "empty"

    run("demo_link", user=EMAIL)
    run("demo_link", user=EMAIL)  # idempotent: already connected

    assert Connection.objects.get(user=user).status == "active"
    accounts = {a.vt_acc_no: a for a in LinkedAccount.objects.for_user(user)}
    assert len(accounts) == 4
    run("demo_backfill", days=14, user=EMAIL)

    today = sandbox_today()
    days = [
        day for day in business_days(today - datetime.timedelta(days=14), today) if day != today
    ]
    diamond = accounts["160678007213500001"]
    valued = list(
        DailyValuation.objects.filter(account=diamond)
        .order_by("date")
        .values_list("date", flat=True)
    )
    assert valued == sorted({*days, today})
    for previous, day in itertools.pairwise(valued):
        truth = data.holdings_as_of(diamond.vt_acc_no, "default", day)
        assert stored_valuation(diamond, day) == expected_valuation(truth)
        deposits = sum(
            (
                t.change_amt
                for t in data.transactions_between(
                    diamond.vt_acc_no, "default", previous + datetime.timedelta(days=1), day
                )
                if t.trans_type == "DEP"
            ),
            Decimal(0),
        )
        assert DailyValuation.objects.get(account=diamond, date=day).inflow == deposits
    # The paged broker (no ALL) is synced once a week, and today.
    cyber = accounts["160812345678900001"]
    weekly = DailyValuation.objects.filter(account=cyber).values_list("date", flat=True)
    assert sorted(weekly) == sorted({*week_ends(days), today})
    truth = data.holdings_as_of(cyber.vt_acc_no, profile_of(cyber), today)
    assert stored_valuation(cyber, today) == expected_valuation(truth)
    runs = SyncRun.objects.filter(account__user=user)
    assert set(runs.values_list("trigger", "state")) == {("backfill", "succeeded")}

    assert run("demo_backfill", "--status", user=EMAIL).strip() == "synced"
    assert "nothing to backfill" in run("demo_backfill", "--if-empty", user=EMAIL)


def test_make_runs_build_links_first_reports_each_sync_and_keeps_the_banner_record(on_sandbox):
    user = UserFactory(email=EMAIL)

    out = run("demo_backfill", days=3, user=EMAIL, link=True, progress=True)

    lines = [line.split() for line in out.splitlines() if line.startswith("progress ")]
    total = int(lines[0][2])
    assert [int(words[1]) for words in lines] == list(range(total + 1))
    assert Connection.objects.get(user=user).status == "active"
    assert history_progress_get(user.pk) == HistoryProgress("done", total, total)
    assert run("demo_backfill", "--status", user=EMAIL).strip() == "synced"

    history_progress_set(user.pk, "building", done=5, total=total)  # a build cut off by Ctrl-C
    assert run("demo_backfill", "--status", user=EMAIL).strip() == "partial"
