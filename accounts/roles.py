"""The two staff roles, as Django groups with their permissions.

- **Support** may use the support console (`/support/`) and nothing else: no model permission,
  so every Django admin model page answers 403 to them.
- **Admin** runs the service through Django admin: the broker registry, users, read-only views
  of connections, accounts, runs, synced data and logs, sync retries, schedules, the sandbox
  where it is installed, and the service overview.

Permissions are named by rules (app label, codename pattern) rather than listed, so that a
model added later in one of these apps is covered by re-applying the rules: the data migration
applies them once, and `manage.py grant_role` applies them again before each grant.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction

SUPPORT = "Support"
ADMIN = "Admin"
ROLES = {"support": SUPPORT, "admin": ADMIN}

CONSOLE_PERMISSION = "accounts.use_support_console"
OVERVIEW_PERMISSION = "accounts.view_service_overview"

# (app label, codename pattern). Connections, linked accounts, runs and logs are views only:
# their admin pages are read-only anyway, and the permission says so too.
RULES: dict[str, tuple[tuple[str, str], ...]] = {
    SUPPORT: (("accounts", "use_support_console"),),
    ADMIN: (
        ("accounts", "use_support_console"),
        ("accounts", "view_service_overview"),
        ("accounts", "view_*"),
        ("accounts", "add_user"),
        ("accounts", "change_user"),
        ("auth", "view_group"),
        ("account", "view_*"),  # allauth's e-mail addresses
        ("account", "change_emailaddress"),  # its "mark verified" action
        ("mfa", "view_*"),
        ("brokers", "view_*"),
        ("brokers", "*_broker"),  # the registry is edited here
        ("brokers", "delete_unsupportedservice"),  # a refused service is reset here
        ("brokers", "change_syncrun"),  # the "retry" action
        ("portfolio", "view_*"),
        ("portfolio", "change_instrument"),  # names and asset classes are corrected here
        ("django_celery_beat", "*"),
        ("sandbox", "*"),  # only where SANDBOX_ENABLED installs it
    ),
}


def roles_sync(apps: Any = global_apps) -> dict[str, Any]:
    """Create both groups if missing and give each exactly the permissions its rules match.

    Works with the live app registry and with a migration's historical one. Permissions are
    normally created after all migrations have run; they are created here first, so that a
    fresh database gets complete groups from its own migration.
    """
    for app_config in apps.get_app_configs():
        # A migration's app configs are stubs without a models module, which
        # `create_permissions` takes for "no models here"; mark them as having models.
        stub = not hasattr(app_config, "models_module")
        if stub:
            app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            if stub:
                del app_config.models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    everything = list(Permission.objects.select_related("content_type"))
    groups = {}
    for name, rules in RULES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission
                for permission in everything
                if any(
                    permission.content_type.app_label == app_label
                    and fnmatchcase(permission.codename, pattern)
                    for app_label, pattern in rules
                )
            ]
        )
        groups[name] = group
    return groups


@transaction.atomic
def role_grant(*, user: Any, role: str) -> bool:
    """Give `user` a role ("support" or "admin"); True if anything changed.

    Both roles mark the user as staff: Django admin lets only staff in at all, and a staff
    member without model permissions meets a 403 on every model page, which is what Support
    should meet there. Running it again changes nothing.
    """
    group = roles_sync()[ROLES[role]]
    changed = not user.groups.filter(pk=group.pk).exists()
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        changed = True
    return changed
