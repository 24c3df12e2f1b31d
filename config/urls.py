from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config import health, views

# Staff sign in where everyone else does: allauth's login, with its second factor and its rate
# limits. Django admin's own form would take a password alone and never throttle it.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("", include("portfolio.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("link/", include("brokers.urls")),
    path("sync/", include("portfolio.sync_urls")),
    path("support/", include("brokers.support.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
