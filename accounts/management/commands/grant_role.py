"""Give a user a staff role: `manage.py grant_role EMAIL support|admin`.

Safe to run again: it first brings both groups' permissions up to date (models added since the
migration included), then adds the user to the group and marks them staff if needed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.roles import ROLES, role_grant


class Command(BaseCommand):
    help = "Give a user the Support or Admin role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's e-mail address (they must have signed up)")
        parser.add_argument("role", choices=sorted(ROLES), help="support or admin")

    def handle(self, *args: Any, email: str, role: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email!r}.")
        changed = role_grant(user=user, role=role)
        state = "granted" if changed else "already held"
        self.stdout.write(self.style.SUCCESS(f"{user.email}: role {ROLES[role]} {state}."))
