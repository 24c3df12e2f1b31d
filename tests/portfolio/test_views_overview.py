"""The overview: its figures agree with the database, its empty and failure states say what
to do, and privacy mode leaves no amount in the page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from brokers.models import Connection, LinkedAccount, SyncRun
from portfolio.models import DailyValuation, HoldingsSnapshot
from portfolio.totals import user_totals_refresh
from tests.factories import ConnectionFactory
from tests.portfolio.dashboard_data import seed
from tests.portfolio.factories import LinkedAccountFactory

pytestmark = pytest.mark.django_db

MON = datetime.date(2026, 11, 16)
AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\s*원|₩\s*\d")


def day(n: int) -> datetime.date:
    return MON + datetime.timedelta(days=n)


def valuation(account, on, total, *, inflow="0", outflow="0", pl=None, purchase=None):
    """A valuation as a sync writes it: the row, and its user's daily totals from its day."""
    row = DailyValuation.objects.create(
        account=account,
        date=on,
        cash=Decimal(total) / 10,
        securities_value=Decimal(total) * 9 / 10,
        total_value=Decimal(total),
        inflow=Decimal(inflow),
        outflow=Decimal(outflow),
        profit_loss=None if pl is None else Decimal(pl),
        purchase_value=None if purchase is None else Decimal(purchase),
    )
    user_totals_refresh(user_id=account.user_id, since=on)
    return row


def figure(html: str, name: str) -> str:
    """The text of one headline figure's value."""
    match = re.search(
        rf'data-figure="{name}".*?data-figure-value[^>]*>(.*?)</div>', html, flags=re.S
    )
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).split()


@pytest.fixture
def two_accounts(alice):
    """Account A from Monday, B from Tuesday (no row on Wednesday), flows on two days."""
    ConnectionFactory(user=alice)
    a = LinkedAccountFactory(user=alice)
    b = LinkedAccountFactory(user=alice)
    valuation(a, day(0), "1000000", pl="50000", purchase="750000")
    valuation(a, day(1), "1100000", inflow="50000")
    valuation(a, day(2), "1050000")
    valuation(
        a, day(3), "1200000", inflow="100000", outflow="20000", pl="120000", purchase="900000"
    )
    valuation(b, day(1), "500000")
    valuation(b, day(3), "520000", pl="-10000", purchase="400000")
    return a, b


def test_the_overview_figures_agree_with_a_hand_computation_from_the_valuations(
    client, alice, two_accounts
) -> None:
    client.force_login(alice)

    html = client.get("/home/?range=ALL").content.decode()

    # Total: each account's latest total. 1,200,000 + 520,000.
    assert figure(html, "total") == ["1,720,000원"]
    # The total series, summed by hand (B is new money on Tuesday, carried on Wednesday):
    #   Mon V=1,000,000; Tue V=1,600,000 F=50,000+500,000; Wed V=1,550,000 F=0;
    #   Thu V=1,720,000 F=100,000−20,000.
    factors = [
        Fraction(1_600_000 - 550_000, 1_000_000),
        Fraction(1_550_000, 1_600_000),
        Fraction(1_720_000 - 80_000, 1_550_000),
    ]
    twr = factors[0] * factors[1] * factors[2] - 1
    assert twr == Fraction(7625, 100_000)  # 7.625 %, shown rounded half to even
    assert figure(html, "twr") == ["+7.62%"]
    # Since Wednesday: 1,720,000 − 80,000 − 1,550,000 = 90,000, over 1,550,000.
    assert figure(html, "day") == ["+90,000원", f"+{round(90_000 / 1_550_000 * 100, 2)}%"]
    # P/L: (120,000 − 10,000) over (900,000 + 400,000).
    assert figure(html, "pl") == ["+110,000원", f"+{round(110_000 / 1_300_000 * 100, 2)}%"]
    assert 'data-as-of="2026-11-19"' in html


def test_a_range_is_measured_from_the_last_close_on_or_before_its_start(
    client, alice, two_accounts
) -> None:
    a, _b = two_accounts
    valuation(a, day(-40), "800000")  # 7 October
    valuation(a, day(-35), "900000")  # 12 October: the last close before 1M's start (19 Oct)
    client.force_login(alice)

    rest = (
        Fraction(1_000_000, 900_000)
        * Fraction(1_600_000 - 550_000, 1_000_000)
        * Fraction(1_550_000, 1_600_000)
        * Fraction(1_640_000, 1_550_000)
    )
    month = rest - 1
    everything = Fraction(900_000, 800_000) * rest - 1

    assert figure(client.get("/home/?range=1M").content.decode(), "twr") == [
        f"+{float(month) * 100:.2f}%"
    ]
    assert figure(client.get("/home/?range=ALL").content.decode(), "twr") == [
        f"+{float(everything) * 100:.2f}%"
    ]


def test_privacy_mode_leaves_no_amount_in_the_page(client, alice, two_accounts) -> None:
    alice.privacy_mode = True
    alice.save()
    client.force_login(alice)

    html = client.get("/home/?range=ALL").content.decode()

    body = html.split("<body", 1)[1]
    assert not AMOUNT.search(body), AMOUNT.search(body)
    assert "1720000" not in body and "1,720,000" not in body
    assert figure(html, "twr") == ["+7.62%"]
    assert 'data-privacy="on"' in html


def test_a_user_without_accounts_is_sent_to_the_link_journey(client, alice) -> None:
    client.force_login(alice)

    response = client.get("/home/")

    html = response.content.decode()
    assert 'data-empty="not_linked"' in html
    assert "내 자산" in html and "아직 연결된 계좌가 없습니다" in html
    try:
        journey = reverse("link_status")
    except NoReverseMatch:
        journey = reverse("identity")
    assert f'href="{journey}" data-link-journey' in html


def test_linked_accounts_without_data_show_the_first_sync_in_progress(client, alice) -> None:
    ConnectionFactory(user=alice)
    LinkedAccountFactory(user=alice)
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-empty="first_sync"' in html
    assert 'data-account-state="first_sync"' in html


def test_an_account_needing_reconnection_says_so_and_keeps_its_last_data(
    client, alice, two_accounts
) -> None:
    Connection.objects.filter(user=alice).update(status=Connection.Status.RECONNECT_NEEDED)
    client.force_login(alice)

    html = client.get("/home/?range=ALL").content.decode()

    assert 'data-notice="link"' in html
    assert html.count('data-account-state="reconnect"') == 2
    assert figure(html, "total") == ["1,720,000원"]


def test_after_disconnecting_the_kept_data_is_shown_without_an_alarm(
    client, alice, two_accounts
) -> None:
    Connection.objects.filter(user=alice).update(status=Connection.Status.REVOKED)
    client.force_login(alice)

    html = client.get("/home/?range=ALL").content.decode()

    assert 'data-notice="disconnected"' in html
    assert 'data-notice="link"' not in html
    assert 'role="alert"' not in html
    assert html.count('data-account-state="disconnected"') == 2
    assert figure(html, "total") == ["1,720,000원"]


def test_data_not_refreshed_for_two_days_is_shown_as_of_its_time(client, alice) -> None:
    seeded = seed(alice, days=30, accounts=1, star=False)
    old = timezone.now() - datetime.timedelta(days=2)
    HoldingsSnapshot.objects.filter(account__in=seeded.accounts).update(updated_at=old)
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-notice="stale"' in html
    assert 'data-account-state="stale"' in html
    assert timezone.localtime(old).strftime("%Y. %-m. %-d. %H:%M") in html


def test_fresh_accounts_say_when_they_were_synced(client, alice) -> None:
    seed(alice, days=30, accounts=1, star=False)
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-account-state="ok"' in html
    assert "data-notice" not in html


def test_the_range_changes_the_return_and_unknown_ranges_fall_back_to_a_year(client, alice):
    seed(alice, days=400, accounts=2)
    client.force_login(alice)

    year = figure(client.get("/home/?range=1Y").content.decode(), "twr")
    month = figure(client.get("/home/?range=1M").content.decode(), "twr")
    unknown = figure(client.get("/home/?range=nonsense").content.decode(), "twr")

    assert year != month
    assert unknown == year


def test_the_overview_has_allocation_donuts_with_tables(client, alice) -> None:
    seed(alice, days=30, accounts=2, holdings=8)
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    for name in ("class", "account", "broker"):
        assert f'data-allocation="{name}"' in html
        assert f'id="donut-{name}"' in html
    assert "data-ratio-only-note" in html


def test_a_sync_that_lands_shows_on_the_next_view_despite_the_cache(
    client, alice, two_accounts
) -> None:
    a, _b = two_accounts
    client.force_login(alice)
    assert figure(client.get("/home/?range=ALL").content.decode(), "total") == ["1,720,000원"]

    # The next day's sync: a new valuation of A (its snapshot is rewritten too, in real syncs).
    valuation(a, day(4), "1300000", pl="150000", purchase="900000")

    html = client.get("/home/?range=ALL").content.decode()
    assert figure(html, "total") == ["1,820,000원"]
    assert client.get("/dashboard/chart/networth.json?range=ALL").json()["total"][-1] == 1820000


def test_a_backfilled_past_day_changes_the_returns_on_the_next_view(
    client, alice, two_accounts
) -> None:
    a, _b = two_accounts
    client.force_login(alice)
    before = figure(client.get("/home/?range=ALL").content.decode(), "twr")

    valuation(a, day(-3), "800000")  # the Friday before: the history now starts lower

    after = figure(client.get("/home/?range=ALL").content.decode(), "twr")
    assert after != before
    assert figure(client.get("/home/?range=ALL").content.decode(), "total") == ["1,720,000원"]


def test_repeated_views_of_unchanged_data_reuse_the_computed_part(client, alice, two_accounts):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as first:
        client.get("/home/?range=ALL")
    with CaptureQueriesContext(connection) as second:
        second_html = client.get("/home/?range=ALL").content.decode()

    assert len(second) == len(first) - 3  # no range read, allocation or top holdings
    assert figure(second_html, "twr") == ["+7.62%"]


def test_a_user_with_only_weights_only_accounts_is_shown_their_weights(client, alice) -> None:
    seed(alice, days=30, accounts=0, star=True)
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-empty="weights_only"' in html
    assert 'data-empty="first_sync"' not in html
    assert "data-ratio-only" in html


def test_an_idle_sync_makes_the_account_list_say_just_now_like_the_progress_panel(
    client, alice
) -> None:
    seeded = seed(alice, days=30, accounts=1, star=False)
    # The holdings last changed six minutes ago; a sync just now found nothing new.
    HoldingsSnapshot.objects.filter(account__in=seeded.accounts).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    LinkedAccount.objects.filter(pk__in=[a.pk for a in seeded.accounts]).update(
        last_success_at=timezone.now()
    )
    client.force_login(alice)

    html = client.get("/home/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    state = html[html.index('data-account-state="ok"') :][:300]
    assert "6분" not in state
    assert "방금" in state


def test_an_account_whose_last_sync_failed_says_so_instead_of_a_fresh_time(client, alice) -> None:
    seeded = seed(alice, days=30, accounts=1, star=False)
    (account,) = seeded.accounts
    synced = timezone.now() - datetime.timedelta(minutes=2)
    LinkedAccount.objects.filter(pk=account.pk).update(last_success_at=synced)
    SyncRun.objects.create(account=account, trigger="nightly", state="succeeded")
    SyncRun.objects.create(
        account=account, trigger="user", state="failed", failure_kind="transient"
    )
    # A skipped run (the budget) is no failure and does not hide the failed one.
    SyncRun.objects.create(
        account=account, trigger="nightly", state="skipped", failure_kind="budget"
    )
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-account-state="sync_failed"' in html
    assert 'data-account-state="ok"' not in html
    assert 'data-notice="stale"' in html
    assert timezone.localtime(synced).strftime("%Y. %-m. %-d. %H:%M") in html


def test_a_sync_that_succeeds_after_a_failure_shows_the_account_fresh_again(client, alice) -> None:
    seeded = seed(alice, days=30, accounts=1, star=False)
    (account,) = seeded.accounts
    SyncRun.objects.create(
        account=account, trigger="nightly", state="failed", failure_kind="transient"
    )
    SyncRun.objects.create(account=account, trigger="retry", state="succeeded")
    client.force_login(alice)

    html = client.get("/home/").content.decode()

    assert 'data-account-state="ok"' in html
    assert "data-notice" not in html
