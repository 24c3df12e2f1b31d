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
consent-expired (see `brokers/sandbox/faults.py`).

It changes the sandbox that is running: the one `make run` started (which records its address
and control token in `.data/sandbox-control.json`), through its control door, whatever database
this shell's environment names. Where no sandbox runs, it makes the same change in the sandbox
database of these settings, and says so.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from brokers.sandbox import faults
from brokers.sandbox.door import Door, DoorClosed, DoorError, door_find
from brokers.sandbox.models import FintechService, Member
from brokers.sandbox.services import PortalError
from brokers.sandbox.views.control import ACTIONS


def _request(action: str, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The control door's action and fields for one command."""
    if action == "set":
        return "fault", {
            "kind": options["kind"],
            "broker": options["broker"],
            "vt_acc_no": options["account"],
            "api": options["api"],
            "times": options["times"],
            "delay_ms": options["delay_ms"],
        }
    if action == "list":
        return "faults", {}
    if action == "clear":
        return "faults/clear", {"broker": options["broker"], "vt_acc_no": options["account"]}
    if action == "budget":
        return "budget", {
            "client_id": options["service"] or None,
            "limit": options["limit"],
            "remaining": options["remaining"],
        }
    if action == "expire-consent":
        return "consent/expire", {
            "vt_acc_no": options["account"],
            "client_id": options["service"] or None,
        }
    if action in ("lock", "unlock"):
        return f"member/{action}", {"portal_id": options["portal_id"]}
    return "reset", {}


def _report(action: str, options: dict[str, Any], answer: dict[str, Any]) -> str:
    """What the command prints for the door's answer."""
    if action == "set":
        return f"Fault {answer['id']} on: {answer['description']}"
    if action == "list":
        rows = answer["faults"]
        lines = [f"{row['id']:4}  {row['description']}  fired {row['fired']}×" for row in rows]
        return "\n".join(lines) or "No faults."
    if action == "clear":
        return f"{answer['cleared']} fault(s) cleared."
    if action == "budget":
        left = f"{answer['remaining']} of {answer['limit']} left today"
        return f"{answer['client_id']}: {left}"
    if action == "expire-consent":
        return f"{answer['expired']} consent(s) expired."
    if action == "lock":
        return f"{options['portal_id']} locked (2003)."
    if action == "unlock":
        return f"{options['portal_id']} unlocked."
    return "Faults cleared, daily counters reset."


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
        name, fields = _request(action, options)
        door = door_find()
        answer = self._through_door(door, name, fields) if door else None
        if answer is None:
            answer = self._in_process(name, fields)
        report = _report(action, options, answer)
        self.stdout.write(report if action in ("list", "budget") else self.style.SUCCESS(report))

    def _through_door(self, door: Door, name: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return door.call(name, **fields)
        except DoorError as error:
            raise CommandError(str(error)) from None
        except DoorClosed:
            database = settings.DATABASES["sandbox"].get("NAME")
            self.stderr.write(
                f"No sandbox answers at {door.url}: changing its database {database} directly."
            )
            return None

    def _in_process(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        try:
            return ACTIONS[name](fields)
        except PortalError as error:
            raise CommandError(error.message) from None
        except (ValueError, FintechService.DoesNotExist, Member.DoesNotExist) as error:
            raise CommandError(str(error)) from None
