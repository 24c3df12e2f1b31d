"""Admin views of the synced data.

User data is read-only here: it is the upstream's, a sync overwrites it, and a hand edit could
break the history's invariants (one open period per position, periods that do not overlap).
Instruments stay editable so that an admin can fix a name or an asset class.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from portfolio.models import (
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    Transaction,
    WatchGroup,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "family", "asset_type", "asset_class", "updated_at"]
    list_filter = ["family", "asset_class"]
    search_fields = ["key", "isin", "name"]
    readonly_fields = ["key", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ["account__broker"]
    raw_id_fields = ["account"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(HoldingsSnapshot)
class HoldingsSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["account", "as_of", "source", "cash_weight", "updated_at"]
    list_filter = ["source"]


@admin.register(Holding)
class HoldingAdmin(ReadOnlyAdmin):
    list_display = ["account", "instrument", "trade_type", "quantity", "current_value", "as_of"]
    list_select_related = ["account__broker", "instrument"]
    raw_id_fields = ["account", "instrument"]


@admin.register(HoldingPeriod)
class HoldingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["account", "instrument", "trade_type", "quantity", "valid_from", "valid_to"]
    list_select_related = ["account__broker", "instrument"]
    raw_id_fields = ["account", "instrument"]


@admin.register(DailyValuation)
class DailyValuationAdmin(ReadOnlyAdmin):
    list_display = ["account", "date", "total_value", "cash", "inflow", "outflow", "is_derived"]
    date_hierarchy = "date"


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["account", "date", "ordinal", "type", "isin", "change_amount"]
    list_filter = ["type"]
    date_hierarchy = "date"


@admin.register(WatchGroup)
class WatchGroupAdmin(ReadOnlyAdmin):
    list_display = ["account", "position", "name", "modified"]
