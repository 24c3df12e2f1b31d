"""Made the sync's beat rows; they are made by `portfolio` (0003_sync_schedules), the app whose
tasks they name, since the sync has one home. Kept, empty, for the migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("brokers", "0006_sync_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations: list[migrations.operations.base.Operation] = []
