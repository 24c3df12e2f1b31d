"""The registry's brokers under the names they use today, not the seed table's of 2018.

Users know their broker by its current name: 신한금융투자 became 신한투자증권 (2023), 미래에셋대우
미래에셋증권 (2021), KB투자증권 KB증권 (2017), 이베스트투자증권 LS증권 (2024), DB투자금융 (a misprint of
the seed) is DB금융투자, 메리츠종합금융증권 메리츠증권 (2020) and 하이투자증권 iM증권 (2024). Codes and
short names (path segments of the platform's URLs) do not change.
"""

from django.db import migrations

CURRENT_NAMES = {
    "00002": ("신한금융투자", "신한투자증권"),
    "00010": ("메리츠종합금융증권", "메리츠증권"),
    "00017": ("KB투자증권", "KB증권"),
    "00031": ("DB투자금융", "DB금융투자"),
    "00046": ("하이투자증권", "iM증권"),
    "00049": ("미래에셋대우증권", "미래에셋증권"),
    "00063": ("이베스트투자증권", "LS증권"),
}


def rename(apps, schema_editor):
    Broker = apps.get_model("brokers", "Broker")
    for code, (old, new) in CURRENT_NAMES.items():
        # Only the seed's name is replaced: a name an admin has edited since is kept.
        Broker.objects.filter(code=code, korean_name=old).update(korean_name=new)


def rename_back(apps, schema_editor):
    Broker = apps.get_model("brokers", "Broker")
    for code, (old, new) in CURRENT_NAMES.items():
        Broker.objects.filter(code=code, korean_name=new).update(korean_name=old)


class Migration(migrations.Migration):
    dependencies = [("brokers", "0007_sync_schedules")]

    operations = [migrations.RunPython(rename, rename_back)]
