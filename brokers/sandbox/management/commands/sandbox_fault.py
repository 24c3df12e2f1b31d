"""`manage.py sandbox_fault …`: make the sandbox misbehave on purpose, and tidy up after.

    sandbox_fault set 3600 --broker cyber --times 3     three 503/3600 answers, then normal
    sandbox_fault set latency --delay-ms 2000           every answer two seconds late
    sandbox_fault set drop-page --account 160812345678900001
    sandbox_fault list
    sandbox_fault clear [--broker B] [--account VT]
    sandbox_fault budget --limit 100 --remaining 3      X-RateLimit-Remaining-Day: 3
    sandbox_fault expire-consent 160678007213500001
    sandbox_fault unlock choi                           lift a portal lock (code 2003)
    sandbox_fault reset                                 no faults, fresh budgets

Kinds: 429, 3004, 3005, 3999, 3600, latency, malformed-json, drop-page, repeat-page,
consent-expired (see `brokers/sandbox/faults.py`). Changes apply to the running sandbox at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from brokers.sandbox import faults, ratelimit, services
from brokers.sandbox.models import Fault, FintechService, Member


class Command(BaseCommand):
    help = "Switch sandbox faults on and off, set daily budgets, expire consents, unlock members."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fault = actions.add_parser("set", help="Switch a fault on.")
        fault.add_argument("kind", choices=faults.KINDS)
        fault.add_argument("--broker", default="")
        fault.add_argument("--account", default="", help="a virtual account number")
        fault.add_argument("--api", default="", choices=("", *faults.APIS))
        fault.add_argument("--times", type=int, help="spoil only this many answers")
        fault.add_argument("--delay-ms", type=int, default=0, help="for latency")
        actions.add_parser("list", help="Show the faults.")
        clear = actions.add_parser("clear", help="Switch faults off.")
        clear.add_argument("--broker", default="")
        clear.add_argument("--account", default="")
        budget = actions.add_parser("budget", help="Set a service's daily limit or what is left.")
        budget.add_argument("--service", default="", help="client id (default: the app's)")
        budget.add_argument("--limit", type=int)
        budget.add_argument("--remaining", type=int)
        expire = actions.add_parser("expire-consent", help="Expire an account's consents now.")
        expire.add_argument("account")
        expire.add_argument("--service", default="")
        for name in ("lock", "unlock"):
            actions.add_parser(name, help=f"{name.title()} a portal member.").add_argument(
                "portal_id"
            )
        actions.add_parser("reset", help="Clear every fault and every daily counter.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except (ValueError, FintechService.DoesNotExist, Member.DoesNotExist) as error:
            raise CommandError(str(error)) from None

    def _set(self, *, kind: str, broker: str, account: str, api: str, **options: Any) -> None:
        fault = faults.fault_set(
            kind=kind,
            broker=broker,
            vt_acc_no=account,
            api=api,
            times=options["times"],
            delay_ms=options["delay_ms"],
        )
        self.stdout.write(self.style.SUCCESS(f"Fault {fault.pk} on: {fault}"))

    def _list(self, **options: Any) -> None:
        rows = list(Fault.objects.all())
        for fault in rows:
            self.stdout.write(f"{fault.pk:4}  {fault}  fired {fault.fired}×")
        if not rows:
            self.stdout.write("No faults.")

    def _clear(self, *, broker: str, account: str, **options: Any) -> None:
        count = faults.faults_clear(broker=broker or None, vt_acc_no=account or None)
        self.stdout.write(self.style.SUCCESS(f"{count} fault(s) cleared."))

    def _budget(self, *, service: str, limit: int | None, remaining: int | None, **o: Any) -> None:
        registered = services.default_service(service or None)
        quota = ratelimit.budget_set(registered, limit=limit, remaining=remaining)
        self.stdout.write(f"{registered.client_id}: {quota.remaining} of {quota.limit} left today")

    def _expire_consent(self, *, account: str, service: str, **options: Any) -> None:
        count = services.consent_expire(vt_acc_no=account, client_id=service or None)
        self.stdout.write(self.style.SUCCESS(f"{count} consent(s) expired."))

    def _lock(self, *, portal_id: str, **options: Any) -> None:
        services.member_lock(member=Member.objects.get(portal_id=portal_id))
        self.stdout.write(self.style.SUCCESS(f"{portal_id} locked (2003)."))

    def _unlock(self, *, portal_id: str, **options: Any) -> None:
        services.member_unlock(member=Member.objects.get(portal_id=portal_id))
        self.stdout.write(self.style.SUCCESS(f"{portal_id} unlocked."))

    def _reset(self, **options: Any) -> None:
        services.sandbox_reset()
        self.stdout.write(self.style.SUCCESS("Faults cleared, daily counters reset."))
