"""Staff for the support tests: one with the Support role, one with the Admin role."""

from __future__ import annotations

import pytest

# The live sandbox's persona 홍길동 connected for real (tokens, CI and numbers in the database).
from tests.brokers.conftest import hong, platform  # noqa: F401
from tests.support.staff import staff_member


@pytest.fixture
def support_staff(db):
    return staff_member("support@jasan.example", "support")


@pytest.fixture
def service_admin(db):
    return staff_member("ops@jasan.example", "admin")


@pytest.fixture
def support_client(client, support_staff):
    client.force_login(support_staff)
    return client


@pytest.fixture
def admin_staff_client(client, service_admin):
    client.force_login(service_admin)
    return client
