"""The console shows each account's standing as the user's own pages decide it
(`brokers.standing`): a failed last sync is not shown as healthy there either."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from brokers.models import SyncRun
from tests.factories import ConnectionFactory, LinkedAccountFactory

pytestmark = pytest.mark.django_db


def _standing_of(page: str, account_id: int) -> str:
    row = page[page.index(f'data-account="{account_id}"') :]
    return row[row.index("data-standing=") :].split('"')[1]


def test_the_console_says_an_accounts_last_sync_failed_and_a_healthy_one_is_fine(support_client):
    connection = ConnectionFactory()
    failing = LinkedAccountFactory(user=connection.user)
    healthy = LinkedAccountFactory(user=connection.user)
    recently = timezone.now() - dt.timedelta(minutes=2)
    for account in (failing, healthy):
        type(account).objects.filter(pk=account.pk).update(last_success_at=recently)
        SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")
    SyncRun.objects.create(
        account=failing, trigger="user", state="failed", failure_kind="transient"
    )

    page = support_client.get(reverse("support_user", args=[connection.user.pk])).content.decode()

    assert _standing_of(page, failing.pk) == "sync_failed"
    assert _standing_of(page, healthy.pk) == "ok"


def test_a_consent_problem_wins_over_a_lapsed_connection_in_the_console(support_client):
    connection = ConnectionFactory(status="reconnect_needed")
    account = LinkedAccountFactory(user=connection.user, sync_problem="consent_required")

    page = support_client.get(reverse("support_user", args=[connection.user.pk])).content.decode()

    assert _standing_of(page, account.pk) == "consent_needed"
