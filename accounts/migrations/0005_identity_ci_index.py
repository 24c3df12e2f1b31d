"""One CI, one user: a keyed blind index of the CI, unique.

Existing identities are indexed here (their CIs are decrypted with the configured keys, so the
migration fails loudly with a wrong key). Where two users already hold the same CI, the one who
verified first keeps it; the later identities are removed, so those users are asked to verify
again and are refused (README: "One person, one user").
"""

from __future__ import annotations

from django.db import migrations, models


def index_identities(apps, schema_editor):
    from accounts.encryption import blind_index

    Identity = apps.get_model("accounts", "Identity")
    seen: set[str] = set()
    for identity in Identity.objects.order_by("verified_at", "pk"):
        index = blind_index(identity.ci)
        if index in seen:
            identity.delete()
            continue
        seen.add(index)
        Identity.objects.filter(pk=identity.pk).update(ci_index=index)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_support_audit_and_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="identity",
            name="ci_index",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="CI blind index"
            ),
        ),
        migrations.RunPython(index_identities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="identity",
            name="ci_index",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="CI blind index"
            ),
        ),
    ]
