"""`manage.py sandbox_seed`: register the app with the sandbox and put the personas in place.

Safe to run again and again: each persona is restored to its documented state
(`brokers/sandbox/personas.py`, README "Sandbox"); nothing else is touched.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from brokers.sandbox import personas, services


class Command(BaseCommand):
    help = "Register the default fintech service and seed the sandbox personas (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="Also register this OAuth redirect URI for the default service (repeatable).",
        )
        parser.add_argument(
            "--return-url",
            action="append",
            default=[],
            help="Also allow the portal to send people back to this URL (repeatable).",
        )

    def handle(
        self, *args: Any, redirect_uri: list[str], return_url: list[str], **opts: Any
    ) -> None:
        service = services.personas_seed(redirect_uris=redirect_uri, return_urls=return_url)
        self.stdout.write(self.style.SUCCESS(f"Sandbox service {service.client_id} registered."))
        for key, persona in personas.PERSONAS.items():
            login = persona.portal_id or "(not a member)"
            self.stdout.write(
                f"  {key:5} {persona.kor_name} {persona.birth_date} {persona.phone}  "
                f"portal login: {login}"
            )
        self.stdout.write(f"  portal password of every persona: {personas.PERSONA_PASSWORD}")
