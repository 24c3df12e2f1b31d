"""The sandbox process's URLs: the gateway's own paths, without any prefix."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from brokers.sandbox.views import api, control, identity, oauth, portal, responses

urlpatterns = [
    path("", RedirectView.as_view(url="/portal/"), name="root"),
    path("favicon.ico", responses.favicon, name="favicon"),
    # OAuth 2.0
    path("auth/oauth/v2/authorize", oauth.authorize, name="oauth-authorize"),
    path("auth/oauth/v2/token", oauth.token, name="oauth-token"),
    path("auth/oauth/v2/token/revoke", oauth.revoke, name="oauth-revoke"),
    # Common (service-link) APIs
    path("v1/common/member/<str:api>/search", api.member_search, name="member-search"),
    # Account APIs of the virtual brokers
    path(
        "v1/<str:broker>/account/<str:service_name>/search",
        api.account_search,
        name="account-search",
    ),
    # The fintech portal
    path("portal/", portal.home, name="portal-home"),
    path("portal/signup/", portal.sign_up, name="portal-signup"),
    path("portal/login/", portal.login, name="portal-login"),
    path("portal/logout/", portal.logout, name="portal-logout"),
    path("portal/unlock/", portal.unlock, name="portal-unlock"),
    path("portal/accounts/issue/", portal.issue_account, name="portal-issue"),
    path("portal/link/", portal.link, name="portal-link"),
    path("portal/consents/", portal.consents, name="portal-consents"),
    path("portal/consents/<int:consent_id>/unlink/", portal.unlink, name="portal-unlink"),
    path("portal/consents/revoke/", portal.revoke_service, name="portal-revoke"),
    # Sandbox-only doors
    path("sandbox/identity/verify", identity.verify, name="identity-verify"),
    path("sandbox/control/<path:action>", control.control, name="control"),
    path("healthz", responses.healthz, name="healthz"),
]

handler404 = "brokers.sandbox.views.responses.not_found"
handler500 = "brokers.sandbox.views.responses.server_error"
