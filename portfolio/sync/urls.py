"""URLs of "sync now" and its progress; included under /sync/ by config/urls.py."""

from __future__ import annotations

from django.urls import path

from portfolio.sync import views as sync_views

urlpatterns = [
    path("now/", sync_views.sync_now, name="sync_now"),
    path("progress/", sync_views.sync_progress, name="sync_progress"),
    path("history/", sync_views.history_progress, name="history_progress"),
]
