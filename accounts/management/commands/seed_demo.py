"""Create (or reset) the demo user, idempotently, and print how to sign in."""

from __future__ import annotations

import os
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User

DEMO_EMAIL = "demo@jasan.example"
DEMO_PASSWORD_DEFAULT = "jasan-demo-2026"  # noqa: S105 - a published demo password  # nosec B105


class Command(BaseCommand):
    help = "Create the demo user with a verified e-mail address (safe to run repeatedly)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        email = os.environ.get("DEMO_EMAIL") or DEMO_EMAIL
        password = os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT
        user, created = User.objects.get_or_create(email=email)
        user.set_password(password)
        user.is_active = True
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        verb = "created" if created else "already present, password reset"
        self.stdout.write(self.style.SUCCESS(f"Demo user {verb}."))
        self.stdout.write(f"  e-mail:   {email}")
        self.stdout.write(f"  password: {password}")
