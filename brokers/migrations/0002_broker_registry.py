"""Fill the broker registry: the platform's published table and the sandbox's virtual brokers.

Real brokers: seed 000 (the platform's table as of 2018-05-31), under the names the brokers
use today (0008 renames them where this migration ran with the seed's old names), with the brokers accepting
assetType ALL (dongbu, kbinvest, nhinvest, sk, daishin, shinhan). Their transaction window
limits are not published, so they are left empty (learnt from 6006 answers at run time).

Virtual brokers (sandbox only): the platform publishes no codes for them; the sandbox uses
99001-99003, outside the real range. diamond accepts ALL; cyber does not and allows at most
90 days of transactions; star offers no balance service (portfolio ratios and transactions).
"""

from django.db import migrations

REAL = [
    # code, short name, Korean name, status, supports ALL
    ("00002", "shinhan", "신한투자증권", "provided", True),
    ("00004", "daishin", "대신증권", "provided", True),
    ("00008", "eugene", "유진투자증권", "provided", False),
    ("00009", "hanyang", "한양증권", "contracted", False),
    ("00010", "meritz", "메리츠증권", "provided", False),
    ("00012", "nhinvest", "NH투자증권", "provided", True),
    ("00017", "kbinvest", "KB증권", "provided", True),
    ("00024", "yuanta", "유안타증권", "provided", False),
    ("00025", "sk", "SK증권", "provided", True),
    ("00030", "samsung", "삼성증권", "provided", False),
    ("00031", "dongbu", "DB금융투자", "provided", True),
    ("00046", "hi", "iM증권", "contracted", False),
    ("00049", "miraeassetdaewoo", "미래에셋증권", "contracted", False),
    ("00050", "kiwoom", "키움증권", "contracted", False),
    ("00063", "ebest", "LS증권", "provided", False),
    ("00064", "koreaasset", "코리아에셋투자증권", "contracted", False),
]

VIRTUAL = [
    # code, short name, Korean name, supports ALL, has balance, max transaction days
    ("99001", "diamond", "다이아몬드증권", True, True, None),
    ("99002", "cyber", "사이버증권", False, True, 90),
    ("99003", "star", "스타증권", True, False, 365),
]


def fill(apps, schema_editor):
    Broker = apps.get_model("brokers", "Broker")
    for code, short_name, korean_name, status, supports_all in REAL:
        Broker.objects.update_or_create(
            code=code,
            defaults={
                "short_name": short_name,
                "korean_name": korean_name,
                "status": status,
                "supports_all": supports_all,
            },
        )
    for code, short_name, korean_name, supports_all, has_balance, max_days in VIRTUAL:
        Broker.objects.update_or_create(
            code=code,
            defaults={
                "short_name": short_name,
                "korean_name": korean_name,
                "status": "provided",
                "supports_all": supports_all,
                "has_balance": has_balance,
                "max_transaction_days": max_days,
                "is_virtual": True,
            },
        )


def empty(apps, schema_editor):
    Broker = apps.get_model("brokers", "Broker")
    codes = [row[0] for row in REAL] + [row[0] for row in VIRTUAL]
    Broker.objects.filter(code__in=codes, linked_accounts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("brokers", "0001_initial")]

    operations = [migrations.RunPython(fill, empty)]
