"""A `pg_dump` of the database holds no plaintext token, CI or Korean name (RELIABILITY.md,
property 9): the real dump of a test database after a real link to the sandbox."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.db import connection

from accounts.models import Identity
from brokers.models import Connection
from tests.brokers.conftest import hong, platform
from tests.conftest import tests_database_url as database_url

__all__ = ["hong", "platform"]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_pg_dump_after_linking_holds_no_plaintext_token_ci_or_name(hong, output_dir):
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump (postgresql-client) is needed"
    stored = Connection.objects.get(pk=hong.connection.pk)
    identity = Identity.objects.get(user=hong.user)
    secrets = {
        "access token": stored.access_token,
        "refresh token": stored.refresh_token,
        "CI": identity.ci,
        "CI without padding": identity.ci.rstrip("="),
        "Korean name": identity.korean_name,
    }
    assert all(secrets.values())
    connection.close()  # the dump reads what is committed

    dump = subprocess.run(
        [pg_dump, "--data-only", database_url()], capture_output=True, check=True, text=True
    ).stdout

    (output_dir / "pg_dump-check.txt").write_text(f"{len(dump)} characters dumped\n")
    assert "accounts_identity" in dump and "brokers_connection" in dump
    found = [name for name, value in secrets.items() if value in dump]
    assert found == []
