"""Admin for the broker registry (editable) and read-only views of connections and accounts.

Connections and linked accounts show status and expiry, never tokens or full account numbers:
the admin is where staff look, so it must not become the place where secrets are seen.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from brokers.models import Broker, Connection, LinkedAccount


@admin.register(Broker)
class BrokerAdmin(admin.ModelAdmin):
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


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Connection)
class ConnectionAdmin(_ReadOnlyAdmin):
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
class LinkedAccountAdmin(_ReadOnlyAdmin):
    list_display = ("user", "broker", "masked_number", "alias", "status", "updated_at")
    list_filter = ("broker", "status")
    list_select_related = ("user", "broker")
    search_fields = ("user__email",)
    fields = ("user", "broker", "masked_number", "alias", "status", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("virtual account"))
    def masked_number(self, obj: LinkedAccount) -> str:
        # From the stored last four characters: listing accounts decrypts nothing.
        return f"…{obj.vt_acc_no_last4}"
