"""Helpers shared by the dashboard tests: seeded users and the pages to visit."""

from __future__ import annotations

import datetime

from django.urls import reverse

from portfolio.demo_data.seed import Seeded, portfolio_seed
from portfolio.models import Holding, Transaction

# A fixed Friday, so that the weekdays and the ranges of a seed never depend on the clock.
END = datetime.date(2026, 11, 20)


def seed(user, *, days: int = 120, holdings: int = 10, accounts: int = 2, **kwargs) -> Seeded:
    return portfolio_seed(
        user=user, end=END, days=days, holdings=holdings, accounts=accounts, **kwargs
    )


def page_urls(seeded: Seeded) -> dict[str, str]:
    """Every dashboard URL, with ids from `seeded`: the pages, the chart data, the CSV."""
    account = seeded.accounts[0]
    holding = Holding.objects.filter(account=account).order_by("pk").first()
    txn = Transaction.objects.filter(account=account).order_by("pk").first()
    return {
        "overview": reverse("home"),
        "overview all": reverse("home") + "?range=ALL&stack=broker",
        "holdings": reverse("holdings"),
        "holdings sorted": reverse("holdings") + f"?account={account.pk}&sort=-pl&page=2",
        "holding": reverse("holding_detail", args=[holding.pk]),
        "transactions": reverse("transactions"),
        "transactions filtered": reverse("transactions") + "?type=ASK&type=ETC&start=2024-01-01",
        "transactions csv": reverse("transactions_csv"),
        "transaction": reverse("transaction_detail", args=[txn.pk]),
        "watchlists": reverse("watchlists"),
        "account": reverse("account_detail", args=[account.pk]),
        "networth json": reverse("chart_networth") + "?range=ALL",
        "networth table": reverse("networth_table") + "?range=1Y",
        "account json": reverse("chart_account", args=[account.pk]) + "?range=ALL",
        "account table": reverse("account_table", args=[account.pk]),
        "by instrument": reverse("holdings_by_instrument"),
        "realized": reverse("realized_pl"),
    }
