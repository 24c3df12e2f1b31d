"""The sync run sweeper runs every minute: it also closes runs whose worker died (their lock is
gone), so the page shows the truth within a minute rather than after the time limit."""

from django.db import migrations

SWEEP = "Sync run sweeper: fail runs left running past the time limit"


def every(minutes: int):
    def change(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.filter(name=SWEEP, task="portfolio.sync_runs_sweep").update(
            interval=interval
        )

    return change


class Migration(migrations.Migration):
    dependencies = [
        ("brokers", "0010_upstream_truth"),
    ]

    operations = [migrations.RunPython(every(1), every(5))]
