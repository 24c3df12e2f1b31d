from __future__ import annotations

from typing import Any

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import ActivityEvent, Identity, SupportAudit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "is_active", "is_staff", "date_joined", "last_login")
    search_fields = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Only a superuser manages staff: roles are groups, and staff is what lets anyone into
        # this admin at all, so the Admin role can neither hand them out nor widen its own.
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += STAFF_FIELDS
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changing a staff member (a password, above all) would let an Admin sign in as them,
        # a superuser included: only a superuser may. The password view asks this too.
        if obj is not None and not _may_manage(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not _may_manage(request, obj):
            return False
        return super().has_delete_permission(request, obj)


STAFF_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _may_manage(request: HttpRequest, user: Any) -> bool:
    """Whether the signed-in staff member may change `user`: superusers may change anyone,
    everyone else only users who are neither staff nor superusers."""
    if request.user.is_superuser:
        return True
    return not (user.is_staff or user.is_superuser)


# allauth's e-mail address admin would let the Admin role point a superuser's address at its
# own mailbox and then reset the password: staff addresses are left to superusers, and nobody
# but a superuser rewrites an address or moves it to another user.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(BaseEmailAddressAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ("email", "user")
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not _may_manage(request, obj.user):
            return False
        return super().has_change_permission(request, obj)


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Shows that a user is verified and when; never the CI or the name themselves."""

    list_display = ("user", "verified_at")
    fields = ("user", "verified_at")
    readonly_fields = ("user", "verified_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows only the application writes: staff look, never add or edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _LogAdmin(ViewOnlyAdmin):
    """A log is evidence: not even deleted from here."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupportAudit)
class SupportAuditAdmin(_LogAdmin):
    """The support audit log: who looked at or acted on whose link, when, from where."""

    list_display = ("created_at", "actor_email", "action", "user", "ip_address")
    list_filter = ("action", "created_at")
    list_select_related = ("user",)
    search_fields = ("actor_email", "user__email")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor",
        "actor_email",
        "action",
        "user",
        "ip_address",
        "user_agent",
        "detail",
    )
    readonly_fields = fields


@admin.register(ActivityEvent)
class ActivityEventAdmin(_LogAdmin):
    """Users' activity logs (link events, and support looking), as each user sees theirs."""

    list_display = ("created_at", "user", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("user", "actor")
    search_fields = ("user__email",)
    date_hierarchy = "created_at"
    fields = ("created_at", "user", "kind", "actor", "ip_address", "user_agent", "detail")
    readonly_fields = fields


# allauth's own registration shows an authenticator's `data`: TOTP secrets and recovery-code
# seeds. Staff need to see that a user has a second factor, never the secret of it.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ViewOnlyAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
