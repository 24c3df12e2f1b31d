"""Link a user of ours to a sandbox persona the way a person would: `manage.py demo_link`.

For the demo (`make run`): the demo user is verified as the sandbox persona 홍길동 through the
identity-verification provider, the platform is asked whether they are a portal member and which
accounts they linked to us, and our OAuth flow runs end to end, with the persona's portal login
and consent forms submitted from here instead of from a browser. Nothing is written straight
into a table: every step goes through the same services as the link journey's pages. Idempotent:
a user already connected is left as they are. Refused unless the sandbox is enabled.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.identity import IdentityVerificationError, get_backend
from accounts.management.commands.seed_demo import DEMO_EMAIL
from accounts.models import User
from accounts.selectors import identity_for_user
from accounts.services import identity_verify
from brokers.demo import portal_connect
from brokers.errors import PlatformError
from brokers.link_status import portal_check_refresh
from brokers.models import LinkedAccount
from brokers.selectors import connection_for_user

# The sandbox persona 홍길동 (README, section Sandbox): published test data.
PERSONA = {
    "korean_name": "홍길동",
    "birth_date": "1980-01-01",
    "phone": "01012345678",
    "portal_id": "hong",
    # The sandbox persona's published password (README, "Personas").
    "password": "sandbox1234",  # nosec B105
}


class Command(BaseCommand):
    help = "Verify, check and connect a user as a sandbox persona (the demo's link journey)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="e-mail of our user (default: the demo user)")
        parser.add_argument("--portal-id", default=PERSONA["portal_id"])
        parser.add_argument("--password", default=PERSONA["password"])
        parser.add_argument("--name", default=PERSONA["korean_name"], help="Korean name")
        parser.add_argument("--birth-date", default=PERSONA["birth_date"], help="YYYY-MM-DD")
        parser.add_argument("--phone", default=PERSONA["phone"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            raise CommandError("demo_link drives the sandbox's portal: enable the sandbox.")
        email = options["user"] or os.environ.get("DEMO_EMAIL") or DEMO_EMAIL
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"no user {email}: run seed_demo first")
        identity = identity_for_user(user)
        if identity is None:
            try:
                verified = get_backend().verify(
                    {
                        "korean_name": options["name"],
                        "birth_date": datetime.date.fromisoformat(options["birth_date"]),
                        "phone": options["phone"],
                    }
                )
                # Another user may already hold this persona's CI (one person, one user).
                identity = identity_verify(user=user, identity=verified)
            except IdentityVerificationError as exc:
                raise CommandError(f"identity verification failed: {exc.user_message}") from None
        check = portal_check_refresh(user=user, identity=identity)
        if check.last_error_kind:
            raise CommandError(f"the platform did not answer ({check.last_error_kind})")
        if not check.is_member:
            raise CommandError("not a member of the sandbox portal")
        accounts = LinkedAccount.objects.for_user(user).filter(status=LinkedAccount.Status.LINKED)
        connection = connection_for_user(user)
        if connection is None or not connection.is_usable:
            self._connect(user, options["portal_id"], options["password"])
        self.stdout.write(
            self.style.SUCCESS(f"{email} is connected with {accounts.count()} linked accounts.")
        )

    def _connect(self, user: User, portal_id: str, password: str) -> None:
        try:
            portal_connect(user=user, portal_id=portal_id, password=password)
        except PlatformError as exc:
            raise CommandError(f"connecting failed: {exc.message}") from None
