from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from config import health, views

# Staff sign in where everyone else does: allauth's login, with its second factor and its rate
# limits. Django admin's own form would take a password alone and never throttle it.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


def _admin_password_change(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    # allauth's form, with its rate limits, rather than Django admin's unthrottled one.
    return redirect("account_change_password")


admin.site.password_change = _admin_password_change  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("", include("portfolio.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("link/", include("brokers.urls")),
    path("sync/", include("portfolio.sync.urls")),
    path("support/", include("brokers.support.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
