from django.contrib import admin
from django.urls import include, path

from config import health, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("", include("portfolio.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("link/", include("brokers.urls")),
    path("sync/", include("portfolio.sync_urls")),
    path("support/", include("brokers.support.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
