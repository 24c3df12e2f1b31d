"""The support audit log, and the Support and Admin groups with their permissions.

The groups' permissions come from the rules in `accounts.roles`, applied to the models that
exist at this point of the migration history; `manage.py grant_role` applies them again, so
models added later in the same apps are covered too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from accounts.roles import RULES, roles_sync


def create_roles(apps, schema_editor):
    roles_sync(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(RULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_privacy_mode"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The apps whose permissions the Admin group gets, so that their models exist here.
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("brokers", "0006_sync_runs"),
        ("portfolio", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="SupportAudit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_email", models.EmailField(max_length=254, verbose_name="staff e-mail")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("searched", "Searched for a user"),
                            ("viewed", "Viewed link status"),
                            ("portal_checked", "Re-checked membership and links"),
                            ("sync_queued", "Queued a sync"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
                ),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                (
                    "user_agent",
                    models.CharField(blank=True, max_length=255, verbose_name="browser"),
                ),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user looked up",
                    ),
                ),
            ],
            options={
                "verbose_name": "support audit entry",
                "verbose_name_plural": "support audit log",
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("use_support_console", "Can use the support console"),
                    ("view_service_overview", "Can see the service overview"),
                ],
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
