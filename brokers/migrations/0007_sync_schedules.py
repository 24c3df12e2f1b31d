"""The sync's beat rows (django-celery-beat), so admins can see and edit them."""

from django.db import migrations

NIGHTLY = "Nightly sync: every connected account after market close"
SWEEP = "Sync run sweeper: fail runs left running past the time limit"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 18:30 in Seoul on weekdays: the KRX closes at 15:30 and brokers settle the day's
    # balances in the following hours; weekends bring no new prices.
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="18",
        day_of_week="1-5",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Seoul",
    )
    PeriodicTask.objects.update_or_create(
        name=NIGHTLY,
        defaults={"task": "portfolio.sync_nightly", "crontab": nightly, "enabled": True},
    )
    # Every five minutes: a run whose worker died shows "syncing" at most this long after
    # its time limit.
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={"task": "portfolio.sync_runs_sweep", "interval": every_five, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[NIGHTLY, SWEEP]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("brokers", "0006_sync_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
