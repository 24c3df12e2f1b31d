"""The nightly plan: every connected account, within the platform's daily budget, the most
recently active users first; once a day; and its schedule."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from brokers.models import Connection, SyncRun
from brokers.openplatform.client import OpenPlatformClient
from brokers.selectors import platform_budget_today
from portfolio.sync.account import account_sync
from portfolio.sync.nightly import nightly_sync_plan
from tests.brokers.conftest import link_member, sandbox_config

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def client_for(sandbox):
    with OpenPlatformClient(sandbox_config(sandbox)) as client:
        yield client


def member_of_ours(client, sandbox, email: str, *, active: datetime.datetime | None):
    """A user of ours connected to a fresh sandbox member with one diamond account."""
    member = sandbox.new_member()
    link = link_member(
        client,
        sandbox,
        email=email,
        portal_id=member.portal_id,
        password=member.password,
        ci=member.ci,
        kor_name=member.kor_name,
    )
    link.user.last_login = active
    link.user.save(update_fields=["last_login"])
    return link


def test_with_a_short_budget_the_nightly_run_syncs_the_most_recent_users_and_skips_the_rest(
    sandbox, client_for, settings
):
    now = timezone.now()
    users = {
        "recent": member_of_ours(client_for, sandbox, "recent@example.com", active=now - HOUR),
        "never": member_of_ours(client_for, sandbox, "never@example.com", active=None),
        "older": member_of_ours(client_for, sandbox, "older@example.com", active=now - 48 * HOUR),
    }
    # "Sync now" counts as activity too: it makes this user the most recent of all.
    SyncRun.objects.create(
        account=users["never"].accounts.popitem()[1], trigger="user", state="succeeded"
    )
    settings.SYNC_BUDGET_RESERVE = 10
    # Room for two accounts at their estimated cost (2 calls each), not for three.
    sandbox.set_budget(remaining=10 + 5 + 1)
    client_for.is_member(users["recent"].identity)  # an answer tells us the remaining budget
    assert platform_budget_today().remaining == 15

    plan = nightly_sync_plan()

    assert (plan.budget_remaining, plan.budget_for_syncs, plan.estimated_calls) == (15, 5, 4)
    assert [run.account.user.email for run in plan.queued] == [
        "never@example.com",
        "recent@example.com",
    ]
    assert [(run.account.user.email, run.state, run.failure_kind) for run in plan.skipped] == [
        ("older@example.com", "skipped", "budget")
    ]
    for run in plan.queued:
        outcome = account_sync(
            account_id=run.account_id, run_id=run.pk, trigger="nightly", upstream=client_for
        )
        assert outcome.state == "succeeded"
    # A second plan the same day (a second beat, a re-run) queues nothing.
    assert nightly_sync_plan().already_planned is True
    assert SyncRun.objects.filter(trigger="nightly").count() == 3


def test_the_nightly_plan_leaves_out_accounts_without_an_active_connection(sandbox, client_for):
    active = member_of_ours(client_for, sandbox, "active@example.com", active=None)
    lapsed = member_of_ours(client_for, sandbox, "lapsed@example.com", active=None)
    Connection.objects.filter(pk=lapsed.connection.pk).update(status="reconnect_needed")

    plan = nightly_sync_plan()

    assert plan.budget_remaining is not None  # the fixtures' calls reported it
    assert [run.account.user_id for run in plan.queued] == [active.user.pk]
    assert plan.skipped == []


def test_the_nightly_sync_and_the_sweeper_are_scheduled_by_beat_rows():
    # A transactional test before this one may have flushed the migration's rows: make them
    # again with the migration's own (idempotent) function.
    importlib.import_module("portfolio.migrations.0003_sync_schedules").create(apps, None)
    assert PeriodicTask.objects.filter(task__startswith="portfolio.").count() == 2
    nightly = PeriodicTask.objects.get(task="portfolio.sync_nightly")
    sweeper = PeriodicTask.objects.get(task="portfolio.sync_runs_sweep")

    crontab = nightly.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "30",
        "18",
        "1-5",
        "Asia/Seoul",
    )
    # Every minute: a run whose worker died is closed within a minute (portfolio.sync.runs).
    assert (sweeper.interval.every, sweeper.interval.period) == (1, "minutes")
    assert nightly.enabled and sweeper.enabled
