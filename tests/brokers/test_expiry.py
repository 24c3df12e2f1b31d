"""The daily expiry sweep, with the clock moved and the live sandbox answering refreshes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django_celery_beat.models import PeriodicTask

from accounts.models import ActivityEvent
from brokers.expiry import connections_expiry_sweep
from brokers.models import Connection, ExpiryNotice, LinkedAccount
from brokers.terms import CONSENT_LIFETIME

pytestmark = pytest.mark.django_db


def _without_refresh(connection: Connection) -> Connection:
    Connection.objects.filter(pk=connection.pk).update(refresh_token=None)
    return Connection.objects.get(pk=connection.pk)


def test_twenty_three_days_after_connect_one_reminder_is_mailed(hong, platform):
    connection = _without_refresh(hong.connection)
    lifetime = connection.access_expires_at - connection.refreshed_at
    assert abs(lifetime - dt.timedelta(days=30)) < dt.timedelta(seconds=5)

    with time_machine.travel(connection.refreshed_at + dt.timedelta(days=23)):
        first = connections_expiry_sweep(upstream=platform)
        second = connections_expiry_sweep(upstream=platform)

    assert first.mails == [(hong.user.pk, "access_expiring")]
    assert second.mails == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [hong.user.email]
    assert "/link/" in mail.outbox[0].body
    assert Connection.objects.get(pk=connection.pk).status == "active"


def test_at_thirty_days_without_refresh_token_the_link_says_reconnect(
    hong, platform, client, on_sandbox
):
    connection = _without_refresh(hong.connection)

    with time_machine.travel(connection.access_expires_at + dt.timedelta(minutes=1)):
        report = connections_expiry_sweep(upstream=platform)
        client.force_login(hong.user)
        step = client.get("/link/").context["status"].step

    assert report.marked_reconnect == 1
    assert Connection.objects.get(pk=connection.pk).status == "reconnect_needed"
    assert step == "reconnect"
    assert [m.to for m in mail.outbox] == [[hong.user.email]]
    assert ExpiryNotice.objects.get(user=hong.user).kind == "access_expired"
    assert LinkedAccount.objects.for_user(hong.user).count() == 4


def test_with_a_refresh_token_the_access_is_renewed_silently(hong, platform):
    connection = hong.connection
    old_access, old_refresh = connection.access_token, connection.refresh_token

    with time_machine.travel(connection.refreshed_at + dt.timedelta(days=23)):
        report = connections_expiry_sweep(upstream=platform)
        renewed = Connection.objects.get(pk=connection.pk)
        assert renewed.access_expires_at > connection.access_expires_at

    assert report.refreshed == 1
    assert report.mails == []
    assert mail.outbox == []
    assert renewed.access_token != old_access
    assert renewed.refresh_token != old_refresh
    assert ActivityEvent.objects.filter(user=hong.user, kind="refreshed").count() == 1


def test_a_consent_near_its_year_is_warned_once_and_then_at_its_end(hong, platform):
    first_seen = min(a.created_at for a in hong.accounts.values())

    with time_machine.travel(first_seen + CONSENT_LIFETIME - dt.timedelta(days=6)):
        connections_expiry_sweep(upstream=platform)
        connections_expiry_sweep(upstream=platform)
    with time_machine.travel(first_seen + CONSENT_LIFETIME + dt.timedelta(days=1)):
        connections_expiry_sweep(upstream=platform)

    kinds = list(ExpiryNotice.objects.filter(user=hong.user).values_list("kind", flat=True))
    assert sorted(k for k in kinds if k.startswith("consent")) == [
        "consent_expired",
        "consent_expiring",
    ]
    subjects = [m.subject for m in mail.outbox if "동의" in m.subject]
    assert len(subjects) == 2


def test_the_sweep_is_scheduled_daily_in_the_morning_in_seoul():
    task = PeriodicTask.objects.get(task="brokers.connections_expiry_sweep")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("8", "0")
    assert str(task.crontab.timezone) == "Asia/Seoul"
