"""The sync-run retention policy: which run records a daily pass keeps and which it deletes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from brokers.models import SyncRun
from brokers.run_retention import FAILED_DAYS, KEEP_FINISHED, RECENT_DAYS, sync_runs_prune
from brokers.tasks import sync_runs_prune_task
from tests.portfolio.factories import LinkedAccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def runs_of(account, *, days_ago: list[int], state: str = "succeeded", trigger: str = "nightly"):
    """One run per entry, created that many days before NOW, oldest first (ids grow with it)."""
    made = []
    for days in sorted(days_ago, reverse=True):
        run = SyncRun.objects.create(account=account, trigger=trigger, state=state)
        SyncRun.objects.filter(pk=run.pk).update(created_at=NOW - datetime.timedelta(days=days))
        made.append(run.pk)
    return made


def kept(account) -> set[int]:
    return set(SyncRun.objects.filter(account=account).values_list("pk", flat=True))


def test_of_a_years_daily_successes_the_newest_30_are_kept_and_the_rest_deleted(alice):
    account = LinkedAccountFactory(user=alice)
    ids = runs_of(account, days_ago=list(range(1, 366)))

    report = sync_runs_prune(now=NOW)

    assert kept(account) == set(ids[-KEEP_FINISHED:])
    assert (report.finished, report.failed) == (365 - KEEP_FINISHED, 0)


def test_failures_are_kept_for_90_days_whatever_their_number(alice):
    account = LinkedAccountFactory(user=alice)
    recent = runs_of(account, days_ago=list(range(1, FAILED_DAYS)), state="failed")
    old = runs_of(account, days_ago=[FAILED_DAYS + 1, 200], state="failed")

    report = sync_runs_prune(now=NOW)

    assert kept(account) == set(recent)
    assert set(old).isdisjoint(kept(account))
    assert report.failed == 2


def test_every_run_of_the_last_two_weeks_is_kept_however_many(alice):
    account = LinkedAccountFactory(user=alice)
    # Ten "sync now" runs a day for the last two weeks: far more than 30.
    recent = runs_of(account, days_ago=[d for d in range(RECENT_DAYS) for _ in range(10)])

    sync_runs_prune(now=NOW)

    assert kept(account) == set(recent)


def test_the_newest_run_of_each_trigger_stays_however_old(alice):
    account = LinkedAccountFactory(user=alice)
    sync_now = runs_of(account, days_ago=[300, 250], trigger="user")
    nightly = runs_of(account, days_ago=list(range(30, 30 + KEEP_FINISHED + 10)))

    sync_runs_prune(now=NOW)

    assert sync_now[-1] in kept(account) and sync_now[0] not in kept(account)
    assert kept(account) == {sync_now[-1], *nightly[-KEEP_FINISHED:]}


def test_queued_and_running_runs_are_never_deleted(alice):
    account = LinkedAccountFactory(user=alice)
    queued = runs_of(account, days_ago=[400], state="queued")
    running = runs_of(account, days_ago=[400], state="running")
    runs_of(account, days_ago=list(range(100, 100 + KEEP_FINISHED + 5)))

    sync_runs_prune(now=NOW)

    assert {*queued, *running} <= kept(account)


def test_the_policy_counts_per_account_so_a_busy_account_evicts_none_of_another(alice, bob):
    busy = LinkedAccountFactory(user=alice)
    quiet = LinkedAccountFactory(user=bob)
    runs_of(busy, days_ago=list(range(20, 220)))
    quiet_ids = runs_of(quiet, days_ago=list(range(40, 40 + KEEP_FINISHED)))

    sync_runs_prune(now=NOW)

    assert kept(quiet) == set(quiet_ids)
    assert len(kept(busy)) == KEEP_FINISHED


def test_a_second_pass_deletes_nothing(alice):
    account = LinkedAccountFactory(user=alice)
    runs_of(account, days_ago=list(range(1, 200)))
    runs_of(account, days_ago=[10, 120], state="failed")
    runs_of(account, days_ago=[150, 160], state="skipped", trigger="user")

    first = sync_runs_prune(now=NOW)
    after_first = kept(account)
    second = sync_runs_prune(now=NOW)

    assert first.deleted > 0
    assert second.deleted == 0
    assert kept(account) == after_first


def test_the_task_prunes_and_says_how_many_it_deleted(alice):
    account = LinkedAccountFactory(user=alice)
    now = timezone.now()
    for days in range(KEEP_FINISHED + 3, 0, -1):
        run = SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")
        SyncRun.objects.filter(pk=run.pk).update(
            created_at=now - datetime.timedelta(days=RECENT_DAYS + days)
        )

    assert sync_runs_prune_task() == {"failed": 0, "finished": 3}
    assert SyncRun.objects.filter(account=account).count() == KEEP_FINISHED


def test_the_retention_runs_daily_at_night_in_seoul_from_a_beat_row():
    task = PeriodicTask.objects.get(task="brokers.sync_runs_prune")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("4", "10", "*")
    assert str(task.crontab.timezone) == "Asia/Seoul"
