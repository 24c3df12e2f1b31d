"""The demo user's dashboard in a real browser: a year of data, ranges, privacy, lists, CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD_DEFAULT
from accounts.models import User
from portfolio.demo_data.seed import portfolio_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Money as a page would print it: digits with thousands separators, or digits followed by 원.
AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\s*원|₩\s*\d")


@pytest.fixture
def demo_user(monkeypatch):
    monkeypatch.delenv("DEMO_EMAIL", raising=False)
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", stdout=io.StringIO())
    user = User.objects.get(email=DEMO_EMAIL)
    portfolio_seed(user=user, end=timezone.localdate(), days=365, accounts=3, holdings=12)
    return user


def korean(text: str) -> str:
    """`text` as the Korean page shows it (the catalogue's translation, or the text itself)."""
    with translation.override("ko"):
        return gettext(text)


def sign_in(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD_DEFAULT)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")


def chart_points(page) -> int:
    page.wait_for_selector("#networth-chart[data-chart-ready=true]")
    return page.evaluate(
        "() => Chart.getChart(document.getElementById('networth-chart')).data.labels.length"
    )


def test_the_demo_user_reads_a_year_on_the_dashboard_hides_amounts_and_exports(
    page, live_server, output_dir, demo_user
):
    shots = output_dir / "e2e"
    shots.mkdir(exist_ok=True)
    sign_in(page, live_server)

    # A year of weekday closes, drawn on a canvas that has pixels.
    assert chart_points(page) >= 240
    box = page.locator("#networth-chart").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("[data-figure=total] [data-figure-value]").inner_text().endswith("원")
    page.screenshot(path=shots / "dashboard-1-overview-desktop.png", full_page=True)

    # Another range: fewer points, another return.
    twr_year = page.locator("[data-figure=twr] [data-twr]").get_attribute("data-twr")
    page.locator("[data-range-picker] a[data-range='3M']").first.click()
    page.wait_for_url("**range=3M**")
    assert 55 <= chart_points(page) <= 70
    twr_quarter = page.locator("[data-figure=twr] [data-twr]").get_attribute("data-twr")
    assert twr_quarter != twr_year
    assert korean("3 months") in page.locator("[data-figure=twr]").inner_text()

    # Stacked by broker: one series per broker with amounts.
    page.locator("[data-stack-toggle] a[data-stack=broker]").click()
    page.wait_for_url("**stack=broker**")
    page.wait_for_selector("#networth-chart[data-chart-ready=true]")
    assert (
        page.evaluate(
            "() => Chart.getChart(document.getElementById('networth-chart')).data.datasets.length"
        )
        == 2
    )

    # The chart's table loads into the page.
    page.locator(".chart-card details.chart-table summary").click()
    page.wait_for_selector("[data-series-table]")
    assert int(page.locator("[data-series-table]").get_attribute("data-rows")) >= 55

    # Phone width.
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    page.wait_for_selector("#networth-chart[data-chart-ready=true]")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path=shots / "dashboard-2-overview-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Privacy mode: no amount anywhere in the page's text, the chart is an index.
    page.locator("[data-privacy-toggle] button").click()
    page.wait_for_selector(".dash[data-privacy=on]")
    assert chart_points(page) > 0
    text = page.locator("body").inner_text()
    assert not AMOUNT.search(text), AMOUNT.search(text)
    assert not AMOUNT.search(page.content().replace("\u00a0", " ").split("<body", 1)[1])
    assert "%" in page.locator("[data-figure=twr]").inner_text()
    page.screenshot(path=shots / "dashboard-3-privacy.png", full_page=True)
    for path in ("/dashboard/holdings/", "/dashboard/transactions/"):
        page.goto(live_server.url + path)
        assert not AMOUNT.search(page.locator("body").inner_text()), path
    page.locator("[data-privacy-toggle] button").click()
    page.wait_for_selector(".dash[data-privacy=off]")

    # Holdings, with the weights-only account marked.
    page.goto(live_server.url + "/home/")
    page.locator(".site-nav a[href='/dashboard/holdings/']").click()
    page.wait_for_url("**/dashboard/holdings/**")
    assert int(page.locator("[data-holdings]").get_attribute("data-count")) == 3 * 13 + 4
    # 25 to a page, largest value first: the weights-only rows (no value) come last, page 2.
    page.locator("[data-pagination] a[rel=next]").click()
    page.wait_for_url("**/dashboard/holdings/?page=2")
    assert page.locator("tr[data-ratio-only]").count() == 4
    assert korean("weights only") in page.locator("tr[data-ratio-only]").first.inner_text()
    page.screenshot(path=shots / "dashboard-4-holdings.png", full_page=True)

    # Transactions: deposits only, then the CSV of exactly those rows.
    page.locator(".site-nav a[href='/dashboard/transactions/']").click()
    page.wait_for_url("**/dashboard/transactions/**")
    page.locator("input[name=type][value=DEP]").check()
    page.locator("[data-transactions-filter] button[type=submit]").click()
    page.wait_for_url("**type=DEP**")
    shown = int(page.locator("[data-transactions-count]").get_attribute("data-transactions-count"))
    assert shown > 3
    types = page.locator("tr[data-type]").evaluate_all("rows => rows.map(r => r.dataset.type)")
    assert set(types) == {"DEP"}
    page.screenshot(path=shots / "dashboard-5-transactions.png", full_page=True)
    with page.expect_download() as download_info:
        page.locator("[data-export-csv]").click()
    raw = download_info.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == shown + 1
    assert {row[2] for row in rows[1:]} == {korean("Deposit")}
    assert all(re.fullmatch(r"\d+", row[5]) for row in rows[1:])

    # One account: its value chart, holdings and transactions; and the watchlists.
    page.goto(live_server.url + "/home/")
    page.locator(".account-item a").first.click()
    page.wait_for_selector("#account-chart[data-chart-ready=true]")
    assert int(page.locator("#account-chart").get_attribute("data-points")) >= 240
    page.screenshot(path=shots / "dashboard-6-account.png", full_page=True)
    page.locator(".site-nav a[href='/dashboard/watchlists/']").click()
    assert page.locator("[data-watch-group]").count() == 6
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/dashboard/holdings/")
    page.screenshot(path=shots / "dashboard-7-holdings-phone.png", full_page=True)
