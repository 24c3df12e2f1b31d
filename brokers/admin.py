"""Admin for the broker registry (editable) and read-only views of connections and accounts.

Connections and linked accounts show status and expiry, never tokens or full account numbers:
the admin is where staff look, so it must not become the place where secrets are seen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import ViewOnlyAdmin
from brokers.models import Broker, Connection, LinkedAccount, SyncRun, UnsupportedService
from brokers.registry import refusals_changed
from brokers.support.services import support_account_label
from brokers.sync_requests import account_sync_request


class UnsupportedServiceInline(admin.TabularInline):
    """Services the broker answered "not supported" (6001) for: no call goes out for them
    until "ask again after". Deleting a row resets it: the next sync asks again."""

    model = UnsupportedService
    extra = 0
    fields = ("service", "first_refused_at", "last_refused_at", "probe_after")
    readonly_fields = ("service", "first_refused_at", "last_refused_at")
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UnsupportedService)
class UnsupportedServiceAdmin(admin.ModelAdmin):
    """Every remembered refusal, to see them at a glance and reset (delete) them."""

    list_display = ("broker", "service", "first_refused_at", "last_refused_at", "probe_after")
    list_filter = ("service", "broker")
    readonly_fields = ("broker", "service", "first_refused_at", "last_refused_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: UnsupportedService) -> None:
        super().delete_model(request, obj)
        refusals_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UnsupportedService]) -> None:
        super().delete_queryset(request, queryset)
        refusals_changed()

    def save_model(
        self, request: HttpRequest, obj: UnsupportedService, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        refusals_changed()


@admin.register(Broker)
class BrokerAdmin(admin.ModelAdmin):
    inlines = (UnsupportedServiceInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        refusals_changed()  # a refusal reset (deleted) or its probe date edited here

    list_display = (
        "code",
        "short_name",
        "korean_name",
        "status",
        "supports_all",
        "has_balance",
        "max_transaction_days",
        "is_virtual",
        "is_active",
    )
    list_filter = ("status", "supports_all", "has_balance", "is_virtual", "is_active")
    list_editable = ("supports_all", "has_balance", "is_active")
    search_fields = ("code", "short_name", "korean_name")
    ordering = ("code",)


@admin.register(Connection)
class ConnectionAdmin(ViewOnlyAdmin):
    list_display = ("user", "upstream", "status", "access_expires_at", "refreshed_at")
    list_filter = ("upstream", "status")
    search_fields = ("user__email",)
    fields = (
        "user",
        "upstream",
        "status",
        "scope",
        "access_expires_at",
        "refreshed_at",
        "has_refresh_token",
        "last_error_kind",
        "last_error_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(boolean=True, description=_("refresh token held"))
    def has_refresh_token(self, obj: Connection) -> bool:
        return bool(obj.refresh_token)


@admin.register(LinkedAccount)
class LinkedAccountAdmin(ViewOnlyAdmin):
    list_display = ("user", "broker", "masked_number", "alias", "status", "updated_at")
    list_filter = ("broker", "status")
    list_select_related = ("user", "broker")
    search_fields = ("user__email",)
    fields = ("user", "broker", "masked_number", "alias", "status", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("virtual account"))
    def masked_number(self, obj: LinkedAccount) -> str:
        # From the stored ending: listing accounts decrypts nothing.
        return obj.number_display


@admin.register(SyncRun)
class SyncRunAdmin(ViewOnlyAdmin):
    """Every sync attempt, read-only; "retry" queues a fresh run of the selected runs' accounts."""

    list_display = (
        "id",
        "user_email",
        "account_label",
        "trigger",
        "state",
        "failure_kind",
        "platform_code",
        "calls_used",
        "created_at",
        "finished_at",
    )
    list_filter = (
        "state",
        ("account__broker", admin.RelatedOnlyFieldListFilter),
        "failure_kind",
        "trigger",
    )
    list_select_related = ("account__broker", "account__user")
    search_fields = ("account__user__email",)
    date_hierarchy = "created_at"
    fields = (
        "user_email",
        "account_label",
        "trigger",
        "state",
        "attempt",
        "as_of",
        "created_at",
        "started_at",
        "finished_at",
        "calls_used",
        "failure_kind",
        "platform_code",
        "message",
        "detail",
    )
    readonly_fields = fields
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Retrying changes nothing of a run; it queues a new one. Admins hold this through the
        # Admin role (`accounts.roles`).
        return request.user.has_perm("brokers.change_syncrun")

    @admin.display(description=_("user"), ordering="account__user__email")
    def user_email(self, obj: SyncRun) -> str:
        return obj.account.user.email

    @admin.display(description=_("account"))
    def account_label(self, obj: SyncRun) -> str:
        return support_account_label(obj.account)

    @admin.action(
        description=_("Retry: queue a new sync of these runs' accounts"), permissions=["retry"]
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        accounts = {
            run.account_id: run.account
            for run in queryset.select_related("account__broker")
            if run.account.status == LinkedAccount.Status.LINKED
        }
        queued = sum(
            account_sync_request(account=account, trigger=SyncRun.Trigger.RETRY)[1]
            for account in accounts.values()
        )
        self.message_user(
            request,
            _("%(queued)d sync(s) queued; %(busy)d account(s) already had one queued or running.")
            % {"queued": queued, "busy": len(accounts) - queued},
            messages.SUCCESS,
        )
