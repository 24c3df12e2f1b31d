"""Set the sync run sweeper to every minute; the sweeper's row is made by `portfolio`
(0003_sync_schedules), the app whose task it names, since the sync has one home. Kept, empty,
for the migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("brokers", "0010_upstream_truth"),
    ]

    operations: list[migrations.operations.base.Operation] = []
