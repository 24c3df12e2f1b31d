"""The same account reads the same on every surface: the link page, the dashboard and the account
page, the support console and the expiry e-mail all show the standing `brokers.standing` decided.

Each situation is stored as a sync and the platform would leave it (no platform call is made:
the membership check is fresh), then every surface is read as a person or staff would read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from brokers.expiry import connections_expiry_sweep
from brokers.link_status import link_status_for_user
from brokers.models import Connection, LinkedAccount, PortalCheck, SyncRun
from brokers.standing.connection import ALERT_ACTIONS
from brokers.support.selectors import support_case_for_user
from portfolio.models import HoldingsSnapshot
from portfolio.selectors.accounts import account_rows_for_user
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory
from tests.support.staff import staff_member

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Situation:
    state: str  # the account's standing on every surface
    action: str  # what the person does about it
    advice: str  # what support tells them
    alert: str = ""  # the alert the link page shows and the e-mail is sent for, if any


def _consent_lapsed_and_sync_failed(account: LinkedAccount, connection: Connection) -> None:
    """First seen over a year ago (so its one-year consent has run out), and the latest sync
    was refused for want of consent."""
    LinkedAccount.objects.filter(pk=account.pk).update(
        created_at=timezone.now() - dt.timedelta(days=366),
        sync_problem="consent_required",
        sync_problem_at=timezone.now(),
    )
    SyncRun.objects.create(
        account=account, trigger="nightly", state="failed", failure_kind="consent_required"
    )


def _last_sync_failed(account: LinkedAccount, connection: Connection) -> None:
    SyncRun.objects.create(
        account=account, trigger="user", state="failed", failure_kind="transient"
    )


def _access_lapsed(account: LinkedAccount, connection: Connection) -> None:
    """The access token expired with no refresh token; the daily sweep has not run yet."""
    Connection.objects.filter(pk=connection.pk).update(
        access_expires_at=timezone.now() - dt.timedelta(hours=1), refresh_token=None
    )


def _disconnected(account: LinkedAccount, connection: Connection) -> None:
    Connection.objects.filter(pk=connection.pk).update(
        status=Connection.Status.REVOKED, access_token=None, refresh_token=None
    )


def _healthy(account: LinkedAccount, connection: Connection) -> None:
    pass


SITUATIONS: dict[str, tuple[Callable[[LinkedAccount, Connection], None], Situation]] = {
    "consent lapsed, last sync failed": (
        _consent_lapsed_and_sync_failed,
        Situation("consent_needed", "renew_consent", "consent_expired", "consent_expired"),
    ),
    "last sync failed": (_last_sync_failed, Situation("sync_failed", "wait", "wait_for_retry")),
    "access lapsed": (
        _access_lapsed,
        Situation("reconnect", "reconnect", "reconnect", "access_expired"),
    ),
    "disconnected": (_disconnected, Situation("disconnected", "connect", "connect")),
    "healthy": (_healthy, Situation("ok", "none", "all_good")),
}


def _attribute_after(html: str, marker: str, attribute: str) -> str:
    """The value of the first `attribute` after `marker` in the page."""
    rest = html[html.index(marker) :]
    return rest[rest.index(f'{attribute}="') :].split('"')[1]


@pytest.mark.parametrize("name", list(SITUATIONS))
def test_every_surface_shows_the_same_standing_for_the_same_account(name):
    arrange, expected = SITUATIONS[name]
    user = IdentityFactory().user
    PortalCheck.objects.create(user=user, is_member=True, checked_at=timezone.now())
    connection = ConnectionFactory(user=user)
    account = LinkedAccountFactory(user=user)
    synced = timezone.now() - dt.timedelta(hours=2)
    LinkedAccount.objects.filter(pk=account.pk).update(last_success_at=synced)
    HoldingsSnapshot.objects.create(
        account=account, as_of=synced.date(), source="balance", updated_at=synced
    )
    SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")
    arrange(account, connection)
    now = timezone.now()

    # The values each surface renders are one and the same.
    link = link_status_for_user(user, may_check=False)
    standing = link.standing.accounts[account.pk]
    assert (standing.state, standing.action) == (expected.state, expected.action)
    assert account_rows_for_user(user=user, now=now)[0].standing == standing
    case = support_case_for_user(user)
    assert case.accounts[0].standing == standing
    assert case.next.advice == expected.advice
    assert [str(alert) for alert in link.alerts] == ([expected.alert] if expected.alert else [])

    # The pages say it.
    person = Client()
    person.force_login(user)
    link_page = person.get(reverse("link_status")).content.decode()
    row = f'data-account="{account.broker.short_name}"'
    assert _attribute_after(link_page, row, "data-account-state") == expected.state
    if link.step == "connected":  # the headline does not read as if all were well
        assert ("data-attention" in link_page) == standing.needs_fixing
    for page in (reverse("home"), reverse("account_detail", args=[account.pk])):
        html = person.get(page).content.decode()
        states = {part.split('"')[0] for part in html.split('data-account-state="')[1:]}
        assert states == {expected.state}, page
    staff = Client()
    staff.force_login(staff_member("support@jasan.example", "support"))
    console = staff.get(reverse("support_user", args=[user.pk])).content.decode()
    assert _attribute_after(console, f'data-account="{account.pk}"', "data-standing") == (
        expected.state
    )
    assert f'data-advice="{expected.advice}"' in console

    # The e-mail is sent for the alert the link page shows, and points where its action is done.
    sent = connections_expiry_sweep(now=now).mails
    assert connections_expiry_sweep(now=now).mails == []  # once each
    if not expected.alert:
        assert (sent, mail.outbox) == ([], [])
        return
    assert sent == [(user.pk, expected.alert)]
    assert len(mail.outbox) == 1
    action = ALERT_ACTIONS[link.alerts[0]]
    assert action == standing.action
    where = settings.OPENPLATFORM_PORTAL_URL if action == "renew_consent" else "/link/"
    assert where in mail.outbox[0].body
