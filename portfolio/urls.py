"""The dashboard's URLs. The overview is the signed-in home (`home`, where sign-in lands)."""

from __future__ import annotations

from django.urls import path

from portfolio import position_views, views

urlpatterns = [
    path("home/", views.overview, name="home"),
    path("dashboard/privacy/", views.privacy_toggle, name="privacy_toggle"),
    path("dashboard/holdings/", views.holdings, name="holdings"),
    path(
        "dashboard/holdings/by-instrument/",
        position_views.holdings_by_instrument,
        name="holdings_by_instrument",
    ),
    path("dashboard/realized/", position_views.realized_pl, name="realized_pl"),
    path("dashboard/holdings/<id:pk>/", views.holding_detail, name="holding_detail"),
    path("dashboard/transactions/", views.transactions, name="transactions"),
    path("dashboard/transactions/export.csv", views.transactions_csv, name="transactions_csv"),
    path("dashboard/transactions/<id:pk>/", views.transaction_detail, name="transaction_detail"),
    path("dashboard/watchlists/", views.watchlists, name="watchlists"),
    path("dashboard/accounts/<id:pk>/", views.account_detail, name="account_detail"),
    path("dashboard/chart/networth.json", views.chart_networth, name="chart_networth"),
    path("dashboard/chart/networth/table/", views.networth_table, name="networth_table"),
    path("dashboard/accounts/<id:pk>/chart.json", views.chart_account, name="chart_account"),
    path("dashboard/accounts/<id:pk>/chart/table/", views.account_table, name="account_table"),
]
