"""Every URL that takes an id answers 404 when the id is someone else's (RELIABILITY.md,
property 5): found by walking the URL configuration, so a URL added later is checked too."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.ids import IdConverter
from brokers.models import SyncRun
from tests.portfolio.dashboard_data import seed

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = ("admin", "support")  # staff pages: reached by role, not by ownership


def _id_patterns() -> list[tuple[str, list[str]]]:
    """(URL name, names of its id parameters) for every user-facing named URL with an id."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.startswith(STAFF_PREFIXES):
                    continue
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and entry.name:
                ids = [
                    name
                    for name, converter in entry.pattern.converters.items()
                    if isinstance(converter, IdConverter)
                ]
                if ids:
                    found.append((entry.name, ids))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_user_url_with_an_id_uses_the_strict_id_converter():
    names = {name for name, _ in _id_patterns()}

    assert {
        "holding_detail",
        "transaction_detail",
        "account_detail",
        "chart_account",
        "account_table",
    } <= names


def test_charlie_gets_404_on_every_url_with_an_id_of_alices(client, alice, charlie):
    seeded = seed(alice, days=10, holdings=2, accounts=1)
    account = seeded.accounts[0]
    SyncRun.objects.create(account=account, trigger="user", state="succeeded")
    ids = {
        "holding_detail": account.holdings.first().pk,
        "transaction_detail": account.transactions.first().pk,
    }
    client.force_login(alice)
    own = {}
    for name, params in _id_patterns():
        value = ids.get(name, account.pk)
        own[name] = reverse(name, kwargs=dict.fromkeys(params, value))
        assert client.get(own[name]).status_code == 200, name

    client.force_login(charlie)
    for url in own.values():
        assert client.get(url).status_code == 404, url
    # Filters and the sync's progress name accounts too.
    for name in ("holdings", "transactions", "transactions_csv", "sync_progress"):
        assert client.get(reverse(name), {"account": account.pk}).status_code == 404, name
    assert client.post(reverse("sync_now"), {"account": account.pk}).status_code == 404
