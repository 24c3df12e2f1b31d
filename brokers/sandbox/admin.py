"""The sandbox in the app's Django admin (only where ``SANDBOX_ENABLED`` installs it).

The router sends every query here to the sandbox database, so the admin edits the very rows the
running sandbox reads: a fault switched on here spoils the next answer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from brokers.sandbox import ratelimit, services
from brokers.sandbox.models import (
    Consent,
    DailyUsage,
    Fault,
    FintechService,
    Member,
    OAuthGrant,
    VirtualAccount,
)


@admin.register(Fault)
class FaultAdmin(admin.ModelAdmin):
    list_display = ("kind", "broker", "vt_acc_no", "api", "remaining", "fired", "delay_ms")
    list_filter = ("kind", "broker")
    fields = ("kind", "broker", "vt_acc_no", "api", "remaining", "delay_ms", "fired")
    readonly_fields = ("fired",)


@admin.register(FintechService)
class FintechServiceAdmin(admin.ModelAdmin):
    """Registrations; secrets are stored as digests and cannot be read back here."""

    list_display = ("name", "client_id", "com_id", "srv_id", "daily_limit")
    fields = (
        "name",
        "client_id",
        "com_id",
        "srv_id",
        "redirect_uris",
        "return_urls",
        "access_token_seconds",
        "refresh_token_seconds",
        "issues_refresh_tokens",
        "daily_limit",
    )
    actions = ["reset_todays_budget"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A registration needs a secret and an API key: `manage.py sandbox_seed` sets them.
        return False

    @admin.action(description="Reset today's call counter")
    def reset_todays_budget(self, request: HttpRequest, queryset: QuerySet) -> None:
        for service in queryset:
            ratelimit.budget_set(service, remaining=service.daily_limit)
        self.message_user(request, "Counters reset.", messages.SUCCESS)


class VirtualAccountInline(admin.TabularInline):
    model = VirtualAccount
    extra = 0
    fields = ("broker", "vt_acc_no", "profile", "nickname", "issued_at")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("portal_id", "kor_name", "birth_date", "failed_logins", "locked_at")
    search_fields = ("portal_id", "kor_name")
    # The CI shown masked: even a stand-in's admin should not teach staff to read CIs in full.
    fields = (
        "portal_id",
        "kor_name",
        "birth_date",
        "phone",
        "masked_ci",
        "failed_logins",
        "locked_at",
    )
    readonly_fields = ("masked_ci",)
    inlines = [VirtualAccountInline]
    actions = ["unlock", "lock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members sign up at the portal, where their CI is verified

    @admin.action(description="Unlock (lift a 2003 lock)")
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        for member in queryset:
            services.member_unlock(member=member)
        self.message_user(request, "Unlocked.", messages.SUCCESS)

    @admin.action(description="Lock (as after five wrong passwords)")
    def lock(self, request: HttpRequest, queryset: QuerySet) -> None:
        for member in queryset:
            services.member_lock(member=member)
        self.message_user(request, "Locked.", messages.SUCCESS)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("account", "service", "alias", "signed_at", "expires_at", "revoked_at")
    list_filter = ("service",)
    list_select_related = ("account", "service")
    search_fields = ("account__vt_acc_no",)
    actions = ["expire", "revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("member", "service", "account") if obj else ()

    @admin.action(description="Expire now (as after a year)")
    def expire(self, request: HttpRequest, queryset: QuerySet) -> None:
        for consent in queryset.select_related("account", "service"):
            services.consent_expire(
                vt_acc_no=consent.account.vt_acc_no, client_id=consent.service.client_id
            )
        self.message_user(request, "Expired.", messages.SUCCESS)

    @admin.action(description="Revoke")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        services.consent_revoke(consents=queryset)
        self.message_user(request, "Revoked.", messages.SUCCESS)


@admin.register(OAuthGrant)
class OAuthGrantAdmin(admin.ModelAdmin):
    list_display = ("pk", "member", "service", "scope", "created_at", "revoked_at")
    list_select_related = ("member", "service")
    readonly_fields = ("member", "service", "scope", "created_at", "revoked_at", "revoked_reason")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke with every token")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        for grant in queryset:
            services.grant_revoke(grant=grant, reason="revoked in the admin")
        self.message_user(request, "Revoked.", messages.SUCCESS)


@admin.register(DailyUsage)
class DailyUsageAdmin(admin.ModelAdmin):
    list_display = ("service", "day", "count")
    list_filter = ("service",)
