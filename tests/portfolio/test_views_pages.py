"""Holdings, transactions, CSV export, watchlists, the account page, chart data and the
privacy toggle: each scoped to its user, filtered and sorted on the server."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from brokers.models import LinkedAccount
from portfolio.models import Holding, Instrument, Transaction
from tests.portfolio.dashboard_data import END, page_urls, seed

pytestmark = pytest.mark.django_db

AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\s*원|₩\s*\d")


def korean(text: str) -> str:
    with translation.override("ko"):
        return gettext(text)


@pytest.fixture
def alices(alice):
    return seed(alice, days=200, holdings=12, accounts=2)


def csv_rows(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# --- scoping ----------------------------------------------------------------------------------


def test_charlie_gets_404_for_alices_account_holding_transaction_and_chart_urls(
    client, alices, charlie
) -> None:
    urls = page_urls(alices)
    client.force_login(charlie)
    for name in ("holding", "transaction", "account", "account json", "account table"):
        assert client.get(urls[name]).status_code == 404, name


def test_charlie_sees_none_of_alices_rows_on_the_shared_pages(client, alices, charlie) -> None:
    client.force_login(charlie)

    assert client.get(reverse("chart_networth")).json()["labels"] == []
    assert "data-holding=" not in client.get(reverse("holdings")).content.decode()
    assert "data-transaction=" not in client.get(reverse("transactions")).content.decode()
    assert "data-watch-group" not in client.get(reverse("watchlists")).content.decode()
    assert len(csv_rows(client.get(reverse("transactions_csv")))) == 1  # the header only


@pytest.mark.parametrize("name", ["holdings", "transactions", "transactions_csv"])
def test_an_account_filter_naming_another_users_account_answers_404(
    client, alices, charlie, name
) -> None:
    seed(charlie, days=30, accounts=1, star=False)
    client.force_login(charlie)
    foreign = alices.accounts[0].pk

    response = client.get(reverse(name), {"account": foreign})

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["holdings", "transactions", "transactions_csv", "sync_progress"])
@pytest.mark.parametrize("value", ["²", "٣", "１", "1e3", "-1", " 1", "0", "9" * 25])
def test_an_account_filter_that_is_not_ascii_digits_answers_404_not_500(
    client, alice, alices, name, value
) -> None:
    client.force_login(alice)

    response = client.get(reverse(name), {"account": value})

    assert response.status_code == 404


def test_the_progress_page_refuses_a_superscript_two_in_its_raw_query(client, alice, alices):
    client.force_login(alice)

    assert client.get("/sync/progress/?account=%C2%B2").status_code == 404
    assert client.get("/dashboard/holdings/?account=%C2%B2").status_code == 404
    assert client.get("/dashboard/transactions/?account=%C2%B2").status_code == 404


def test_the_csv_holds_only_the_signed_in_users_rows(client, alices, bob) -> None:
    seed(bob, days=200, holdings=5, accounts=1, seed=99, star=False)
    client.force_login(bob)

    rows = csv_rows(client.get(reverse("transactions_csv")))

    bobs = Transaction.objects.filter(account__user=bob)
    assert len(rows) - 1 == bobs.count()
    last4 = {t.account.vt_acc_no_last4 for t in bobs.select_related("account")}
    assert {row[1][-4:] for row in rows[1:] if "(" not in row[1]} <= last4
    assert all(any(code in row[1] for code in last4) for row in rows[1:])


# --- transactions -----------------------------------------------------------------------------


def test_transactions_filter_by_type_dates_and_account_and_export_exactly_those(
    client, alice, alices
) -> None:
    client.force_login(alice)
    account = alices.accounts[1]
    start, end = END - datetime.timedelta(days=120), END - datetime.timedelta(days=10)
    query = f"?type=DEP&type=WID&start={start}&end={end}&account={account.pk}"

    page = client.get(reverse("transactions") + query)
    rows = csv_rows(client.get(reverse("transactions_csv") + query))

    expected = Transaction.objects.filter(
        account=account, type__in=["DEP", "WID"], date__range=(start, end)
    ).order_by("-date", "-ordinal")
    assert page.context["page"].paginator.count == expected.count() > 0
    assert [row[0] for row in rows[1:]] == [t.date.isoformat() for t in expected]
    assert [row[5] for row in rows[1:]] == [str(int(t.change_amount)) for t in expected]
    assert {row[2] for row in rows[1:]} <= {korean("Deposit"), korean("Withdrawal")}
    assert rows[0][:3] == [korean("Date"), korean("Account"), korean("Type")]


def test_transactions_are_paginated_twenty_five_to_a_page(client, alice) -> None:
    seed(alice, days=200, holdings=40, accounts=2)
    client.force_login(alice)
    total = Transaction.objects.filter(account__user=alice).count()

    first = client.get(reverse("transactions"))
    last = client.get(reverse("transactions") + "?page=999")

    assert first.context["page"].paginator.count == total
    assert len(first.context["page_rows"]) == 25
    pages = first.context["page"].paginator.num_pages
    assert len(last.context["page_rows"]) == total - 25 * (pages - 1)
    assert 'rel="next"' in first.content.decode()


def test_buy_and_sell_are_labelled_the_way_people_read_them(client, alice, alices) -> None:
    client.force_login(alice)

    html = client.get(reverse("transactions") + "?type=ASK").content.decode()

    assert 'data-type="ASK"' in html and 'data-type="BID"' not in html
    assert f'<span class="type type-ask">{korean("Buy")}</span>' in html


def test_a_start_after_the_end_is_refused_with_nothing_shown(client, alice, alices) -> None:
    client.force_login(alice)

    response = client.get(reverse("transactions") + "?start=2026-05-01&end=2026-04-01")

    assert response.context["page"].paginator.count == 0
    assert 'class="form-error"' in response.content.decode()


# --- holdings ---------------------------------------------------------------------------------


def test_holdings_sort_on_the_server_both_ways(client, alice, alices) -> None:
    client.force_login(alice)

    def every_page(sort: str) -> list[Holding]:
        rows: list[Holding] = []
        number = 1
        while True:
            page = client.get(reverse("holdings") + f"?sort={sort}&page={number}").context["page"]
            rows += page.object_list
            if not page.has_next():
                return rows
            number += 1

    ascending = every_page("pl")
    descending = every_page("-pl")

    known = [h.profit_loss for h in ascending if h.profit_loss is not None]
    assert known == sorted(known)
    assert [h.profit_loss for h in descending if h.profit_loss is not None] == sorted(
        known, reverse=True
    )
    # Weights-only rows have no P/L and come last either way.
    assert ascending[len(ascending) - 1].profit_loss is None
    assert descending[len(descending) - 1].profit_loss is None


def test_holdings_filter_by_account_and_class_with_weights_of_what_is_shown(
    client, alice, alices
) -> None:
    client.force_login(alice)
    account = alices.accounts[0]

    response = client.get(reverse("holdings") + f"?account={account.pk}&asset_class=kospi")

    rows = list(response.context["page"].object_list)
    assert rows and {h.account_id for h in rows} == {account.pk}
    assert {h.instrument.asset_class for h in rows} == {"kospi"}
    assert sum(h.share for h in rows) == pytest.approx(Decimal(100))


def test_weights_only_holdings_are_marked_and_show_their_weight(client, alice, alices) -> None:
    client.force_login(alice)
    star = alices.accounts[-1]

    html = client.get(reverse("holdings") + f"?account={star.pk}").content.decode()

    assert html.count("data-ratio-only") == Holding.objects.filter(account=star).count() == 4
    assert korean("weights only") in html


# --- other pages ------------------------------------------------------------------------------


def test_watchlists_show_names_where_known_and_codes_otherwise(client, alice, alices) -> None:
    client.force_login(alice)

    html = client.get(reverse("watchlists")).content.decode()

    assert html.count("data-watch-group=") == 4
    assert "삼성전자" in html
    assert "KR7999999990" in html and korean("Unknown instrument") in html


def test_the_account_page_shows_its_value_chart_holdings_transactions_and_link(
    client, alice, alices
) -> None:
    client.force_login(alice)
    account = alices.accounts[0]

    response = client.get(reverse("account_detail", args=[account.pk]))

    html = response.content.decode()
    assert f'data-chart-src="/dashboard/accounts/{account.pk}/chart.json' in html
    # The ten largest of its 13 holdings (a link leads to all of them).
    assert html.count("data-holding-row=") == 10
    assert "data-link-state" in html
    assert "data-sync-history" not in html  # nothing until the sync feature gives runs
    data = client.get(reverse("chart_account", args=[account.pk]) + "?range=ALL").json()
    assert len(data["datasets"]) == 1
    assert len(data["labels"]) == len(alices.dates)


def test_the_networth_data_stacks_by_account_or_broker_and_adds_up(client, alice, alices):
    client.force_login(alice)

    by_account = client.get(reverse("chart_networth") + "?range=ALL&stack=account").json()
    by_broker = client.get(reverse("chart_networth") + "?range=ALL&stack=broker").json()

    assert by_account["unit"] == "KRW"
    assert len(by_account["datasets"]) == 2 and len(by_broker["datasets"]) == 2
    last = [dataset["data"][-1] for dataset in by_account["datasets"]]
    assert sum(last) == by_account["total"][-1]
    assert by_account["total"] == by_broker["total"]


# --- privacy ----------------------------------------------------------------------------------


def test_privacy_mode_removes_amounts_from_every_page_and_chart(client, alice, alices) -> None:
    alice.privacy_mode = True
    alice.save()
    client.force_login(alice)

    for name, url in page_urls(alices).items():
        response = client.get(url)
        body = response.content.decode().split("<body", 1)[-1]
        if name.endswith("json"):
            data = response.json()
            assert data["unit"] == "index"
            first = next(value for value in data["total"] if value is not None)
            assert first == 100.0
        elif name.endswith("csv"):
            assert len(csv_rows(response)[0]) == 5  # no amount or quantity column
        else:
            assert not AMOUNT.search(body), (name, AMOUNT.search(body))


def test_the_privacy_toggle_is_a_csrf_protected_post_remembered_on_the_user(alice) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get(reverse("privacy_toggle")).status_code == 405
    assert client.post(reverse("privacy_toggle")).status_code == 403
    client.get(reverse("home"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("privacy_toggle"),
        {"next": "/dashboard/holdings/?sort=pl"},
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/holdings/?sort=pl"
    alice.refresh_from_db()
    assert alice.privacy_mode is True


def test_the_privacy_toggle_ignores_an_outside_next(client, alice) -> None:
    client.force_login(alice)

    response = client.post(reverse("privacy_toggle"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("home")


def test_chart_data_is_never_cached(client, alice, alices) -> None:
    client.force_login(alice)

    response = client.get(reverse("chart_networth"))

    assert "no-store" in response["Cache-Control"]


# --- CSV formula neutralisation -----------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil.example","x")'


def test_the_csv_turns_formula_looking_names_into_text_and_keeps_numbers_numbers(
    client, alice, alices
) -> None:
    client.force_login(alice)
    txn = (
        Transaction.objects.filter(account__user=alice, change_amount__lt=0)
        .exclude(isin="")
        .order_by("pk")
        .first()
    )
    Instrument.objects.filter(isin=txn.isin).update(name=EVIL)
    account = txn.account
    account.alias = "+cmd|' /C calc'!A0"
    account.save(update_fields=["alias"])

    rows = csv_rows(client.get(reverse("transactions_csv"), {"account": account.pk}))

    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell == "'" + EVIL for cell in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "|", "%")), cell
        if cell.startswith("-"):
            assert Decimal(cell) < 0, cell  # a negative number, still a number
    negatives = [row[5] for row in rows[1:] if row[5].startswith("-")]
    assert negatives and all(Decimal(value) < 0 for value in negatives)


# --- tables cached until the next sync --------------------------------------------------------


def test_a_cached_holdings_table_shows_the_next_syncs_values_and_never_amounts_in_privacy_mode(
    client, alice, alices
) -> None:
    client.force_login(alice)
    holding = Holding.objects.filter(account__user=alice).order_by("-current_value").first()
    client.get(reverse("holdings"))  # the table is rendered and cached
    Holding.objects.filter(pk=holding.pk).update(current_value=Decimal("987654321012"))

    unchanged = client.get(reverse("holdings")).content.decode()
    # A sync marks the account when it writes: the next view renders the table anew.
    LinkedAccount.objects.filter(pk=holding.account_id).update(last_success_at=timezone.now())
    after_sync = client.get(reverse("holdings")).content.decode()
    client.post(reverse("privacy_toggle"))
    private = client.get(reverse("holdings")).content.decode()

    assert "987,654,321,012" not in unchanged
    assert "987,654,321,012" in after_sync
    assert "987,654,321,012" not in private
    assert f'data-holding="{holding.pk}"' in private


def test_a_cached_transactions_table_shows_rows_a_sync_added(client, alice, alices) -> None:
    client.force_login(alice)
    account = alices.accounts[0]
    client.get(reverse("transactions"))
    added = Transaction.objects.create(
        account=account, date=END, ordinal=999, type="DEP", change_amount=Decimal("4242")
    )
    LinkedAccount.objects.filter(pk=account.pk).update(last_success_at=timezone.now())

    page = client.get(reverse("transactions")).content.decode()

    assert f'data-transaction="{added.pk}"' in page
