"""The site's URLs plus the bare signed-in page the dashboard is measured against.

Used only by `bench_dashboard` and the tests (through `ROOT_URLCONF`); never routed in a
running site, where a page that renders nothing would only be noise.
"""

from __future__ import annotations

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from portfolio.views import overview

urlpatterns = [
    *site_urlpatterns,
    path("dashboard/_bare/", overview.bare, name="dashboard_bare"),
]
