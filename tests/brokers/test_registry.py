"""The broker registry: filled by a migration, admin-editable, virtual brokers only in sandbox."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from brokers.models import Broker, Connection, LinkedAccount
from brokers.selectors import connection_for_user
from tests.factories import ConnectionFactory, LinkedAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED_TABLE = {
    "00002": ("shinhan", "신한투자증권", "provided"),
    "00004": ("daishin", "대신증권", "provided"),
    "00008": ("eugene", "유진투자증권", "provided"),
    "00009": ("hanyang", "한양증권", "contracted"),
    "00010": ("meritz", "메리츠증권", "provided"),
    "00012": ("nhinvest", "NH투자증권", "provided"),
    "00017": ("kbinvest", "KB증권", "provided"),
    "00024": ("yuanta", "유안타증권", "provided"),
    "00025": ("sk", "SK증권", "provided"),
    "00030": ("samsung", "삼성증권", "provided"),
    "00031": ("dongbu", "DB금융투자", "provided"),
    "00046": ("hi", "iM증권", "contracted"),
    "00049": ("miraeassetdaewoo", "미래에셋증권", "contracted"),
    "00050": ("kiwoom", "키움증권", "contracted"),
    "00063": ("ebest", "LS증권", "provided"),
    "00064": ("koreaasset", "코리아에셋투자증권", "contracted"),
}


def test_the_migration_fills_the_sixteen_brokers_of_the_seed_table():
    real = Broker.objects.filter(is_virtual=False)

    assert {b.code: (b.short_name, b.korean_name, b.status) for b in real} == SEED_TABLE


def test_exactly_the_documented_brokers_accept_all():
    supporting = Broker.objects.filter(is_virtual=False, supports_all=True)

    assert sorted(supporting.values_list("short_name", flat=True)) == [
        "daishin",
        "dongbu",
        "kbinvest",
        "nhinvest",
        "shinhan",
        "sk",
    ]


def test_the_virtual_brokers_carry_the_sandboxs_codes_and_limits():
    virtual = {b.short_name: b for b in Broker.objects.filter(is_virtual=True)}

    assert {name: b.code for name, b in virtual.items()} == {
        "diamond": "99001",
        "cyber": "99002",
        "star": "99003",
    }
    assert (virtual["diamond"].supports_all, virtual["diamond"].has_balance) == (True, True)
    assert (virtual["cyber"].supports_all, virtual["cyber"].max_transaction_days) == (False, 90)
    assert virtual["star"].has_balance is False


def test_a_broker_code_must_be_five_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        Broker.objects.create(code="123", short_name="short", korean_name="짧은", status="provided")


def test_connections_and_accounts_are_scoped_to_their_user(alice, charlie):
    ConnectionFactory(user=alice)
    LinkedAccountFactory(user=alice)

    assert Connection.objects.for_user(charlie).count() == 0
    assert LinkedAccount.objects.for_user(charlie).count() == 0
    assert connection_for_user(charlie) is None
    assert connection_for_user(alice).user == alice


def test_a_user_has_at_most_one_connection_per_upstream(alice):
    ConnectionFactory(user=alice)

    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectionFactory(user=alice)


def test_a_linked_account_shows_itself_masked():
    account = LinkedAccountFactory(vt_acc_no="160678007213500001")

    assert str(account) == "다이아몬드증권 ····0001"


@pytest.fixture
def staff_client(client):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_staff_can_edit_a_broker_in_the_admin(staff_client):
    broker = Broker.objects.get(short_name="samsung")
    url = reverse("admin:brokers_broker_change", args=[broker.pk])

    response = staff_client.post(
        url,
        {
            "code": "00030",
            "short_name": "samsung",
            "korean_name": "삼성증권",
            "status": "provided",
            "supports_all": "on",
            "has_balance": "on",
            "max_transaction_days": "365",
            "page_size": "0",
            "is_active": "on",
            # The inline of services the broker refused (none here).
            "unsupported_services-TOTAL_FORMS": "0",
            "unsupported_services-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    broker.refresh_from_db()
    assert (broker.supports_all, broker.max_transaction_days) == (True, 365)


def test_the_admin_shows_connections_and_accounts_without_tokens_or_full_numbers(staff_client):
    connection = ConnectionFactory()
    account = LinkedAccountFactory(user=connection.user, vt_acc_no="160678007213500001")

    pages = [
        staff_client.get(reverse("admin:brokers_connection_changelist")),
        staff_client.get(reverse("admin:brokers_connection_change", args=[connection.pk])),
        staff_client.get(reverse("admin:brokers_linkedaccount_changelist")),
        staff_client.get(reverse("admin:brokers_linkedaccount_change", args=[account.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert connection.access_token not in html
        assert connection.refresh_token not in html
        assert "160678007213500001" not in html
    assert "····0001" in pages[3].content.decode()


def test_the_scheduler_reads_the_platforms_budget_of_the_day():
    from brokers.resilience.budgets import DailyBudget
    from brokers.selectors import platform_budget_today

    assert platform_budget_today() is None
    DailyBudget().record({"X-RateLimit-Limit-Day": "50000", "X-RateLimit-Remaining-Day": "7"})

    assert platform_budget_today().remaining == 7


def test_brokers_known_by_the_seeds_old_names_get_their_current_names_unless_edited():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("brokers.migrations.0008_broker_current_names")
    Broker.objects.filter(code="00002").update(korean_name="신한금융투자")
    Broker.objects.filter(code="00063").update(korean_name="이베스트증권 (edited)")

    migration.rename(apps, None)

    assert Broker.objects.get(code="00002").korean_name == "신한투자증권"
    assert Broker.objects.get(code="00063").korean_name == "이베스트증권 (edited)"


def test_account_endings_grow_until_two_accounts_of_a_user_never_look_alike():
    from brokers.models.accounts import distinguishing_tails

    assert distinguishing_tails({1: "160012340001", 2: "160056780002"}) == {1: "0001", 2: "0002"}
    assert distinguishing_tails({1: "160012350001", 2: "160056780001"}) == {
        1: "50001",
        2: "80001",
    }
    assert distinguishing_tails({1: "160012350001", 2: "160056350001", 3: "9"}) == {
        1: "2350001",
        2: "6350001",
        3: "9",
    }
    assert distinguishing_tails({1: "160012340001"}) == {1: "0001"}
    assert distinguishing_tails({}) == {}
