"""A connection becomes "reconnect needed" in one place: `brokers.services`
`connection_reconnect_needed_mark`, called by the refresh, the expiry sweep and the sync."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from brokers.models import Connection
from brokers.services import connection_reconnect_needed_mark
from tests.factories import ConnectionFactory

ROOT = Path(__file__).resolve().parents[2]
# An assignment or an update() keyword that sets a connection's status.
STATUS_WRITE = re.compile(r"(\.status\s*=|\bstatus=)\s*Connection\.Status\.")


def test_only_the_connection_services_write_a_connections_status():
    writers = set()
    for app_label in ("accounts", "brokers", "portfolio", "config"):
        for path in (ROOT / app_label).rglob("*.py"):
            if "migrations" in path.parts or "sandbox" in path.parts:
                continue
            for line in path.read_text().splitlines():
                if STATUS_WRITE.search(line) and "filter(" not in line and "__" not in line:
                    writers.add(str(path.relative_to(ROOT)))
    assert writers == {"brokers/services.py"}


@pytest.mark.django_db
def test_marking_an_active_connection_records_why_and_when():
    connection = ConnectionFactory()
    when = timezone.now() - dt.timedelta(minutes=3)

    assert connection_reconnect_needed_mark(connection=connection, now=when) is True

    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.status, stored.last_error_kind, stored.last_error_at) == (
        "reconnect_needed",
        "reauth_required",
        when,
    )
    assert (connection.status, connection.last_error_at) == ("reconnect_needed", when)


@pytest.mark.django_db
def test_a_revoked_connection_stays_revoked_when_marked():
    connection = ConnectionFactory(
        status=Connection.Status.REVOKED, access_token=None, refresh_token=None
    )

    assert connection_reconnect_needed_mark(connection=connection) is False

    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.status, stored.last_error_kind) == ("revoked", "")
    assert connection.status == "revoked"
