"""Staff members for tests, given their role the way an operator would: `grant_role`."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from tests.factories import UserFactory


def staff_member(email: str, role: str) -> User:
    staff = UserFactory(email=email)
    call_command("grant_role", email, role, stdout=StringIO())
    staff.refresh_from_db()
    return staff
