"""The console's "queue a sync" reaches the sync task by its name, through a real worker."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from brokers.models import Connection, SyncRun
from tests.factories import ConnectionFactory, LinkedAccountFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_until_done(run_id: int, seconds: float = 30) -> SyncRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = SyncRun.objects.get(pk=run_id)
        if run.state not in (SyncRun.State.QUEUED, SyncRun.State.RUNNING):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} is still {run.state} after {seconds} s")


def test_a_sync_queued_from_the_console_is_carried_out_by_the_worker(celery_worker, support_client):
    # A disconnected user: the sync task records its decision without calling the platform.
    connection = ConnectionFactory(
        status=Connection.Status.REVOKED, access_token=None, refresh_token=None
    )
    account = LinkedAccountFactory(user=connection.user)

    response = support_client.post(reverse("support_sync", args=[account.user.pk, account.pk]))

    assert response.status_code == 302
    run = _wait_until_done(SyncRun.objects.get(account=account).pk)
    assert (run.trigger, run.state, run.failure_kind) == ("support", "skipped", "not_connected")
    assert SyncRun.objects.filter(account=account).count() == 1
