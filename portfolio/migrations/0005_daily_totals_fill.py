"""Each user's daily totals from the valuations already stored (`portfolio.totals` keeps them
up to date from now on)."""

from django.db import migrations

from portfolio.returns import ValuationPoint, combine
from portfolio.totals import total_rows


def fill(apps, schema_editor):
    DailyValuation = apps.get_model("portfolio", "DailyValuation")
    DailyTotal = apps.get_model("portfolio", "DailyTotal")
    rows = (
        DailyValuation.objects.filter(total_value__isnull=False)
        .order_by("account__user_id", "account_id", "date")
        .values_list(
            "account__user_id",
            "account_id",
            "date",
            "total_value",
            "inflow",
            "outflow",
            "flows_pending",
        )
        .iterator(chunk_size=5000)
    )
    users: dict[int, dict[int, list[ValuationPoint]]] = {}
    for user_id, account_id, day, total, inflow, outflow, pending in rows:
        point = ValuationPoint(day, total, inflow, outflow, pending)
        users.setdefault(user_id, {}).setdefault(account_id, []).append(point)
    for user_id, accounts in users.items():
        DailyTotal.objects.bulk_create(
            total_rows(DailyTotal, user_id, combine(accounts.values())), batch_size=2000
        )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0004_daily_totals")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
