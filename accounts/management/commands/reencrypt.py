"""Re-encrypt every encrypted value under the newest key in JASAN_ENCRYPTION_KEYS.

Run after putting a new key first in the list; once it reports success, older keys can be
removed. Each batch is one transaction, so an interrupted run can simply be started again.
It also rewrites each CI's blind index under the newest key (lookups try every configured key
until then).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, models, transaction
from django.db.models import Field

from accounts.encryption import encrypted_fields, rotate

BATCH_SIZE = 500
# Keys of allauth's Authenticator.data that accounts.adapters.MFAAdapter encrypts.
ENCRYPTED_MFA_KEYS = ("secret", "seed")


def _column(field: Field[Any, Any] | None) -> str:
    """A concrete field's column (only virtual fields, never encrypted, have none)."""
    if field is None or field.column is None:
        raise ValueError(f"{field!r} has no column")
    return field.column


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, attnames in encrypted_fields():
            count = self._rotate_table(model, attnames)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        total += self._rotate_mfa_secrets()
        self._reindex_cis()
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted."))

    def _rotate_table(self, model: type[models.Model], attnames: list[str]) -> int:
        """Rewrite one table's encrypted columns, a batch of rows per transaction."""
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(_column(model._meta.pk))
        by_attname = {f.attname: _column(f) for f in model._meta.concrete_fields}
        columns = [quote(by_attname[n]) for n in attnames]
        assignments = ", ".join(f"{c} = %s" for c in columns)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        count = 0
        last_pk: object = None
        while True:
            # Work on raw ciphertext so no plaintext is materialised, batch by primary key.
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last_pk is not None else ""
                params: list[Any] = [last_pk] if last_pk is not None else []
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}"  # noqa: S608  # nosec B608
                    f"ORDER BY {pk} LIMIT {BATCH_SIZE}{lock}",
                    params,
                )
                rows: list[tuple[Any, ...]] = cursor.fetchall()
                for row in rows:
                    values = [rotate(v) if v is not None else None for v in row[1:]]
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
                        [*values, row[0]],
                    )
                count += len(rows)
            if len(rows) < BATCH_SIZE:
                return count
            last_pk = rows[-1][0]

    def _rotate_mfa_secrets(self) -> int:
        """allauth's authenticators keep their encrypted secrets inside a JSON column."""
        from allauth.mfa.models import Authenticator

        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update():
                data = dict(authenticator.data)
                changed = False
                for key in ENCRYPTED_MFA_KEYS:
                    if isinstance(data.get(key), str):
                        data[key] = rotate(data[key])
                        changed = True
                if changed:
                    Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                    count += 1
        self.stdout.write(f"mfa.Authenticator: {count} rows re-encrypted")
        return count

    def _reindex_cis(self) -> None:
        """Each CI's blind index under the newest key (the index key rotates with it)."""
        from accounts.encryption import blind_index
        from accounts.models import Identity

        count = 0
        with transaction.atomic():
            for identity in Identity.objects.select_for_update().only("pk", "ci", "ci_index"):
                index = blind_index(identity.ci)
                if identity.ci_index != index:
                    Identity.objects.filter(pk=identity.pk).update(ci_index=index)
                    count += 1
        self.stdout.write(f"accounts.Identity: {count} CI blind indexes rewritten")
