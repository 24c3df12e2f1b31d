"""Each dashboard page issues the same number of queries for 10 or 300 holdings and for 30 or
1000 days of history: pages read stored rows in bulk, never per holding or per day. Both the
first view (cached parts built) and a repeated view (cached parts reused) are counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.portfolio.dashboard_data import page_urls, seed

pytestmark = pytest.mark.django_db

# Every signed-in request reads the session and the user and saves the session (three
# statements inside the test's transaction: SAVEPOINT, UPDATE, RELEASE).
REQUEST = 5


def counts(client, *, holdings: int, days: int) -> dict[str, tuple[int, int]]:
    user = UserFactory()
    seeded = seed(user, holdings=holdings, days=days, accounts=3)
    client.force_login(user)
    result = {}
    for name, url in page_urls(seeded).items():
        views = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            views.append(len(queries))
        result[name] = (views[0], views[1])
    client.logout()
    return result


def test_every_page_issues_the_same_queries_for_10_and_300_holdings(client) -> None:
    small = counts(client, holdings=10, days=120)
    large = counts(client, holdings=300, days=120)

    assert small == large


def test_every_page_issues_the_same_queries_for_30_and_1000_days(client) -> None:
    short = counts(client, holdings=12, days=30)
    long = counts(client, holdings=12, days=1000)

    assert short == long


def test_pages_read_their_data_only_on_the_first_view_after_a_change(
    client,
) -> None:
    measured = counts(client, holdings=20, days=60)

    # Accounts (with snapshot and connection) and latest valuations; after a change also the
    # range's daily totals, the allocation by class and the top holdings.
    assert measured["overview"] == (REQUEST + 5, REQUEST + 2)
    assert measured["networth json"] == (REQUEST + 3, REQUEST + 2)
    # Pages of tables read the accounts (with their sync marks and snapshot); after a change
    # also, holdings: value total and count (one query) and page; transactions: count, page
    # and names; by instrument: grouped holdings and instruments; realized P/L: the trades (and
    # the names of what was sold, when anything was). Their rendered tables are cached until
    # the next sync.
    assert measured["holdings"] == (REQUEST + 3, REQUEST + 1)
    assert measured["transactions"] == (REQUEST + 4, REQUEST + 1)
    assert measured["by instrument"] == (REQUEST + 3, REQUEST + 1)
    assert measured["realized"] == (REQUEST + 2, REQUEST + 1)
