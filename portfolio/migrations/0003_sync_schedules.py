"""The sync's beat rows (django-celery-beat), made by the app whose tasks they name, so admins
can see and edit them. They were made by `brokers` (0007, 0011) before the sync had one home;
those migrations now do nothing, and this one leaves an existing database as they left it."""

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
    # Every minute: the sweeper also closes runs whose worker died (their lock is gone), so
    # the page shows the truth within a minute rather than after the time limit.
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={"task": "portfolio.sync_runs_sweep", "interval": every_minute, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[NIGHTLY, SWEEP]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0002_balance_summary_fields"),
        # After the brokers migrations that made these rows before: on a database they ran
        # on, the rows are updated in place (by name), not made twice.
        ("brokers", "0011_sweep_every_minute"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
