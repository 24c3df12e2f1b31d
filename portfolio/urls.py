"""The dashboard's URLs. The overview is the signed-in home (`home`, where sign-in lands)."""

from __future__ import annotations

from django.urls import path

from portfolio.views import accounts, chart_data, holdings, overview, positions, transactions

urlpatterns = [
    path("home/", overview.overview, name="home"),
    path("dashboard/privacy/", overview.privacy_toggle, name="privacy_toggle"),
    path("dashboard/holdings/", holdings.holdings, name="holdings"),
    path(
        "dashboard/holdings/by-instrument/",
        positions.holdings_by_instrument,
        name="holdings_by_instrument",
    ),
    path("dashboard/realized/", positions.realized_pl, name="realized_pl"),
    path("dashboard/holdings/<id:pk>/", holdings.holding_detail, name="holding_detail"),
    path("dashboard/transactions/", transactions.transactions, name="transactions"),
    path(
        "dashboard/transactions/export.csv", transactions.transactions_csv, name="transactions_csv"
    ),
    path(
        "dashboard/transactions/<id:pk>/",
        transactions.transaction_detail,
        name="transaction_detail",
    ),
    path("dashboard/watchlists/", accounts.watchlists, name="watchlists"),
    path("dashboard/accounts/<id:pk>/", accounts.account_detail, name="account_detail"),
    path("dashboard/chart/networth.json", chart_data.chart_networth, name="chart_networth"),
    path("dashboard/chart/networth/table/", chart_data.networth_table, name="networth_table"),
    path("dashboard/accounts/<id:pk>/chart.json", chart_data.chart_account, name="chart_account"),
    path("dashboard/accounts/<id:pk>/chart/table/", chart_data.account_table, name="account_table"),
]
