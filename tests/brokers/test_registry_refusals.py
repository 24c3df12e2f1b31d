"""Services a broker refuses (6001) are remembered in the registry: no call for a month, then
one probe; admins see the refusals and reset them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brokers import registry
from brokers.models import Broker, UnsupportedService
from brokers.upstream import RatiosOnly
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory
from tests.support.staff import staff_member

pytestmark = pytest.mark.django_db

OK = {"respCode": "200", "respMsg": "OK"}
NOT_SUPPORTED = Answer(
    500, {"category": "star", "code": 6001, "message": "service not supported: interest"}
)
GROUPS = {
    "interestSymbolListResponseBody": {
        "groupList": {"group": [{"groupName": "관심", "isinCode": ["KR7005930003"]}]}
    },
    "resp": OK,
}


@pytest.fixture
def admin_staff_client(client):
    client.force_login(staff_member("ops@jasan.example", "admin"))
    return client


@pytest.fixture
def star_account():
    identity = IdentityFactory(user__email="alice@example.com")
    connection = ConnectionFactory(user=identity.user)
    account = LinkedAccountFactory(user=identity.user, broker=Broker.objects.get(short_name="star"))
    return connection, account


def test_a_refused_watchlist_is_not_asked_again_until_the_monthly_probe(
    scripted, scripted_client, star_account
):
    connection, account = star_account
    scripted.script = lambda request: NOT_SUPPORTED

    assert scripted_client.watchlist(connection, account) == ()
    assert scripted_client.watchlist(connection, account) == ()
    assert len(scripted.requests) == 1
    refusal = UnsupportedService.objects.get(broker=account.broker, service="interest")
    assert refusal.probe_after - refusal.first_refused_at == datetime.timedelta(days=30)

    # A month on, one probe; the service has arrived meanwhile, so the refusal is forgotten.
    UnsupportedService.objects.update(probe_after=timezone.now() - datetime.timedelta(seconds=1))
    registry.refusals_changed()  # as the admin does when it edits a refusal
    scripted.script = lambda request: Answer(200, GROUPS)
    groups = scripted_client.watchlist(connection, account)

    assert [g.name for g in groups] == ["관심"]
    assert len(scripted.requests) == 2
    assert registry.service_state(account.broker, "interest") == registry.AVAILABLE


def test_a_probe_refused_again_waits_another_month(scripted, scripted_client, star_account):
    connection, account = star_account
    scripted.script = lambda request: NOT_SUPPORTED
    scripted_client.watchlist(connection, account)
    UnsupportedService.objects.update(probe_after=timezone.now() - datetime.timedelta(seconds=1))
    registry.refusals_changed()  # as the admin does when it edits a refusal

    scripted_client.watchlist(connection, account)

    refusal = UnsupportedService.objects.get()
    assert refusal.probe_after > timezone.now() + datetime.timedelta(days=29)
    assert refusal.last_refused_at > refusal.first_refused_at
    assert len(scripted.requests) == 2


def test_admins_see_the_refusals_beside_the_broker_and_reset_one(admin_staff_client):
    star = Broker.objects.get(short_name="star")
    registry.service_refusal_record(star, "interest")
    refusal = UnsupportedService.objects.get()

    listing = admin_staff_client.get(reverse("admin:brokers_unsupportedservice_changelist"))
    broker_page = admin_staff_client.get(reverse("admin:brokers_broker_change", args=[star.pk]))
    assert listing.status_code == broker_page.status_code == 200
    assert "watchlist (interest)" in listing.content.decode() or "관심" in listing.content.decode()
    assert "unsupported_services-0-id" in broker_page.content.decode()

    reset = admin_staff_client.post(
        reverse("admin:brokers_unsupportedservice_delete", args=[refusal.pk]), {"post": "yes"}
    )

    assert reset.status_code == 302
    assert registry.service_state(star, "interest") == registry.AVAILABLE


def test_a_broker_refusing_every_balance_query_is_not_asked_for_one_again_for_a_month(
    scripted, scripted_client
):
    identity = IdentityFactory(user__email="bob@example.com")
    connection = ConnectionFactory(user=identity.user)
    account = LinkedAccountFactory(
        user=identity.user, broker=Broker.objects.get(short_name="cyber")
    )
    scripted.script = lambda request: Answer(
        500, {"category": "cyber", "code": 6001, "message": "service not supported: balance"}
    )

    first = scripted_client.balance(connection, account)
    asked = len(scripted.requests)
    second = scripted_client.balance(connection, account)

    assert isinstance(first, RatiosOnly) and isinstance(second, RatiosOnly)
    assert asked == 4  # every asset type, once
    assert len(scripted.requests) == asked  # the second ask went nowhere
    assert registry.service_state(account.broker, "balance") == registry.REFUSED
