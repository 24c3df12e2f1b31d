"""The sync-run retention policy's beat row (`brokers.run_retention`): daily at 04:10 in Seoul,
long after the nightly sync and its retries, long before anyone looks in the morning."""

from django.db import migrations

PRUNE = "Sync run retention: delete run records the policy no longer keeps"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="10",
        hour="4",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Seoul",
    )
    PeriodicTask.objects.update_or_create(
        name=PRUNE,
        defaults={"task": "brokers.sync_runs_prune", "crontab": daily, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("brokers", "0011_sweep_every_minute"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
