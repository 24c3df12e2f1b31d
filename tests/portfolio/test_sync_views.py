""" "Sync now" (once a minute per user) and the progress the pages poll, per user."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brokers.models import SyncRun
from portfolio.sync.tasks import account_sync_task
from tests.factories import ConnectionFactory
from tests.portfolio.factories import LinkedAccountFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def alices(alice):
    ConnectionFactory(user=alice)
    return [LinkedAccountFactory(user=alice), LinkedAccountFactory(user=alice)]


def test_sync_now_queues_each_account_once_after_commit_and_shows_the_progress(
    client, alice, alices, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(account_sync_task, "delay", lambda *a, **kw: sent.append((a, kw)))
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sync_now"), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    assert response["Location"] == reverse("sync_progress")
    runs = list(SyncRun.objects.order_by("account_id"))
    assert [(run.account_id, run.trigger, run.state) for run in runs] == [
        (account.pk, "user", "queued") for account in alices
    ]
    assert sent == [
        ((run.account_id,), {"run_id": run.pk, "trigger": "user", "ip_address": "203.0.113.7"})
        for run in runs
    ]
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-sync-state="queued"') == 2
    assert 'hx-trigger="every 2s"' in page


def test_sync_now_is_refused_for_a_minute_with_a_friendly_answer(
    client, alice, alices, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks():
        client.post(reverse("sync_now"), **HTMX)

        again = client.post(reverse("sync_now"))
        htmx_again = client.post(reverse("sync_now"), **HTMX)

    assert again.status_code == 429
    assert "data-sync-wait=" in again.content.decode()
    assert htmx_again.status_code == 200
    html = htmx_again.content.decode()
    assert 'data-sync-wait="60"' in html or 'data-sync-wait="59"' in html
    assert SyncRun.objects.count() == 2


def test_an_account_already_syncing_gets_no_second_run(
    client, alice, alices, django_capture_on_commit_callbacks
):
    busy = SyncRun.objects.create(account=alices[0], trigger="nightly", state="running")
    client.force_login(alice)

    with django_capture_on_commit_callbacks():
        html = client.post(reverse("sync_now"), **HTMX).content.decode()

    assert SyncRun.objects.filter(account=alices[0]).get() == busy
    assert SyncRun.objects.filter(account=alices[1], state="queued").count() == 1
    assert 'data-sync-state="running"' in html and 'data-sync-state="queued"' in html


def test_the_progress_stops_polling_once_every_sync_has_finished(client, alice, alices):
    now = timezone.now()
    SyncRun.objects.create(account=alices[0], trigger="user", state="succeeded", finished_at=now)
    SyncRun.objects.create(
        account=alices[1],
        trigger="user",
        state="failed",
        failure_kind="consent_required",
        finished_at=now - datetime.timedelta(minutes=5),
    )
    client.force_login(alice)

    html = client.get(reverse("sync_progress"), **HTMX).content.decode()

    assert "hx-trigger" not in html
    assert 'data-active="false"' in html
    assert 'data-sync-state="succeeded"' in html and 'data-failure="consent_required"' in html
    assert "data-sync-done" in html


def test_charlie_cannot_sync_or_watch_alices_accounts(client, charlie, alices):
    client.force_login(charlie)
    SyncRun.objects.create(account=alices[0], trigger="user", state="running")

    assert client.post(reverse("sync_now"), {"account": alices[0].pk}).status_code == 404
    assert client.get(reverse("sync_progress"), {"account": alices[0].pk}).status_code == 404
    html = client.get(reverse("sync_progress"), **HTMX).content.decode()
    assert "data-account-id" not in html
    assert SyncRun.objects.count() == 1


def test_sync_now_for_one_account_queues_only_that_account(
    client, alice, alices, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks():
        response = client.post(reverse("sync_now"), {"account": alices[1].pk})

    assert response["Location"] == f"{reverse('sync_progress')}?account={alices[1].pk}"
    assert list(SyncRun.objects.values_list("account_id", flat=True)) == [alices[1].pk]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.post(reverse("sync_now")).status_code == 302
    assert client.get(reverse("sync_progress")).status_code == 302


def test_the_account_page_lists_its_recent_sync_runs(client, alice, alices):
    SyncRun.objects.create(account=alices[0], trigger="nightly", state="succeeded", calls_used=1)
    client.force_login(alice)

    html = client.get(reverse("account_detail", args=[alices[0].pk])).content.decode()

    assert "data-sync-history" in html
    assert 'data-run-state="succeeded"' in html


def test_a_sync_stopped_by_the_daily_limit_says_when_it_can_resume(client, alice, alices):
    finished = timezone.now()
    run = SyncRun.objects.create(
        account=alices[0],
        trigger="user",
        state="failed",
        failure_kind="rate_limited",
        finished_at=finished,
        detail={"retry_after": 3600.0},
    )
    client.force_login(alice)

    html = client.get(reverse("sync_progress"), **HTMX).content.decode()

    assert run.retry_at == finished + datetime.timedelta(hours=1)
    resume = timezone.localtime(run.retry_at).strftime("%H:%M")
    assert 'data-failure="rate_limited"' in html and resume in html
