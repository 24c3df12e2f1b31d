"""The support console under /support/ (included from config.urls)."""

from __future__ import annotations

from django.urls import path

from brokers.support import views

urlpatterns = [
    path("", views.console, name="support_console"),
    path("users/<id:user_id>/", views.user_case, name="support_user"),
    path("users/<id:user_id>/check/", views.recheck, name="support_recheck"),
    path(
        "users/<id:user_id>/accounts/<id:account_id>/sync/",
        views.sync,
        name="support_sync",
    ),
    path("overview/", views.overview, name="service_overview"),
]
