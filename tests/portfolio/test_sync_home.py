"""The sync has one home (`portfolio/sync/`): one enqueue service, reached from `brokers` through
a registered hook, tasks that no other app names by string, beat rows that name real tasks."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_celery_beat.models import PeriodicTask

from brokers.models import Connection, SyncRun
from brokers.sync_requests import account_sync_request, sync_request
from config.celery_app import app
from portfolio.sync.enqueue import sync_enqueue
from tests.factories import ConnectionFactory, LinkedAccountFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "brokers", "portfolio", "config")


def _registered_task_names() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_the_sync_tasks_are_registered_under_the_names_beat_and_the_queue_use():
    assert {
        "portfolio.account_sync",
        "portfolio.sync_nightly",
        "portfolio.sync_runs_sweep",
    } <= _registered_task_names()


def test_no_module_of_the_product_names_another_apps_task_by_string():
    names = {name for name in _registered_task_names() if name.split(".")[0] in APPS}
    crossings = []
    for app_label in APPS:
        for path in (ROOT / app_label).rglob("*.py"):
            if "sandbox" in path.parts:
                continue
            text = path.read_text()
            assert "send_task(" not in text, f"{path} sends a task by name"
            crossings += [
                (str(path.relative_to(ROOT)), name)
                for name in names
                if name.split(".")[0] != app_label
                and re.search(rf"[\"']{re.escape(name)}[\"']", text)
            ]
    assert crossings == []


@pytest.mark.django_db
def test_every_beat_row_names_a_task_the_worker_has_registered():
    rows = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {"portfolio.sync_nightly", "portfolio.sync_runs_sweep"} <= set(rows.values())
    assert set(rows.values()) <= _registered_task_names()


@pytest.mark.django_db
def test_brokers_queues_a_sync_through_the_one_enqueue_service():
    active = ConnectionFactory()
    first, second = LinkedAccountFactory(user=active.user), LinkedAccountFactory(user=active.user)

    enqueued = sync_request(user=active.user, trigger=SyncRun.Trigger.USER)
    again = sync_request(user=active.user, trigger=SyncRun.Trigger.USER)

    assert [run.account_id for run in enqueued.queued] == [first.pk, second.pk]
    assert again.queued == []
    assert sorted(run.pk for run in again.following) == sorted(run.pk for run in enqueued.queued)
    assert SyncRun.objects.filter(account__user=active.user).count() == 2


@pytest.mark.django_db
def test_support_queues_even_without_a_connection_and_the_user_does_not():
    revoked = ConnectionFactory(
        status=Connection.Status.REVOKED, access_token=None, refresh_token=None
    )
    account = LinkedAccountFactory(user=revoked.user)

    assert sync_enqueue(user=revoked.user).runs == []
    run, queued = account_sync_request(account=account, trigger=SyncRun.Trigger.SUPPORT)
    again, queued_again = account_sync_request(account=account, trigger=SyncRun.Trigger.SUPPORT)

    assert (run.state, run.trigger, queued) == ("queued", "support", True)
    assert (again.pk, queued_again) == (run.pk, False)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_queue_one_run_because_the_account_rows_are_locked():
    active = ConnectionFactory()
    account = LinkedAccountFactory(user=active.user)
    first_holds_lock, release_first = threading.Event(), threading.Event()
    results: dict[str, list[int]] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = [run.pk for run in sync_enqueue(user=active.user).queued]
                first_holds_lock.set()
                release_first.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            enqueued = sync_enqueue(user=active.user)
            results["second_queued"] = [run.pk for run in enqueued.queued]
            results["second_following"] = [run.pk for run in enqueued.following]
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_holds_lock.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)
    # The second request waits on the account's row while the first has not committed.
    assert two.is_alive()
    release_first.set()
    one.join(10)
    two.join(10)

    assert results["second_queued"] == []
    assert results["second_following"] == results["first"]
    assert SyncRun.objects.filter(account=account).count() == 1
