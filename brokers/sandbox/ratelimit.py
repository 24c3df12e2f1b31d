"""The gateway's daily call quota, counted per service per UTC day in the sandbox database.

Every platform API answer to an identified service carries ``X-RateLimit-Limit-Day`` and
``X-RateLimit-Remaining-Day``; past the limit the gateway answers 429
``{"message": "API rate limit exceeded"}`` until 00:00 GMT. Counters live in the database (not in
a process) so they survive restarts and are shared by every thread of the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from brokers.sandbox.models import DailyUsage, FintechService
from brokers.sandbox.router import SANDBOX_DB


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    remaining: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit-Day": str(self.limit),
            "X-RateLimit-Remaining-Day": str(self.remaining),
        }


def utc_today() -> date:
    return datetime.now(UTC).date()


def seconds_until_reset() -> int:
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return max(1, int((midnight - now).total_seconds()))


def usage_take(service: FintechService) -> Quota:
    """Count one call of ``service`` today and say whether it is within the limit."""
    with transaction.atomic(using=SANDBOX_DB):
        usage, _ = DailyUsage.objects.select_for_update().get_or_create(
            service=service, day=utc_today()
        )
        usage.count += 1
        usage.save(update_fields=["count"])
    limit = service.daily_limit
    return Quota(limit, max(0, limit - usage.count), usage.count > limit)


@transaction.atomic(using=SANDBOX_DB)
def budget_set(
    service: FintechService, *, limit: int | None = None, remaining: int | None = None
) -> Quota:
    """Change a service's daily limit and/or what is left of today's budget."""
    if limit is not None:
        service.daily_limit = limit
        service.save(update_fields=["daily_limit"])
    usage, _ = DailyUsage.objects.select_for_update().get_or_create(
        service=service, day=utc_today()
    )
    if remaining is not None:
        usage.count = max(0, service.daily_limit - remaining)
        usage.save(update_fields=["count"])
    left = max(0, service.daily_limit - usage.count)
    return Quota(service.daily_limit, left, usage.count > service.daily_limit)
