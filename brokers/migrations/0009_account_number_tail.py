"""Each linked account's distinguishing ending, filled for the accounts already linked."""

from collections import defaultdict

from django.db import migrations, models


def fill(apps, schema_editor):
    from brokers.models.accounts import distinguishing_tails

    LinkedAccount = apps.get_model("brokers", "LinkedAccount")
    by_user = defaultdict(dict)
    for account in LinkedAccount.objects.all():
        by_user[account.user_id][account.pk] = account.vt_acc_no
    for numbers in by_user.values():
        for pk, tail in distinguishing_tails(numbers).items():
            LinkedAccount.objects.filter(pk=pk).update(vt_acc_no_tail=tail)


class Migration(migrations.Migration):
    dependencies = [("brokers", "0008_broker_current_names")]

    operations = [
        migrations.AddField(
            model_name="linkedaccount",
            name="vt_acc_no_tail",
            field=models.CharField(blank=True, max_length=30, verbose_name="distinguishing ending"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
