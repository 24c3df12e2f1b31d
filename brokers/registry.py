"""What the broker registry learns from the platform's answers: services a broker refuses.

A broker answering 6001 "service not supported" for a whole account service (star's
watchlist, for one) gives the same answer tomorrow: asking again every week costs a call each
time and can only fail. The refusal is remembered per broker and service
(`UnsupportedService`); no call for it goes out until `probe_after`, a month later, when one
probe is let through. A probe that succeeds forgets the refusal; one that is refused again
moves the probe a month on. Admins see the rows and delete one to ask again at once.

The refusals of the whole installation are a handful of rows, read through the shared cache
(`CACHE_SECONDS`), so that asking costs no database statement per sync; every write here, and
the admin's resets, drop the cached copy.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

from brokers.models import Broker, UnsupportedService

# How long a refused service is left alone before one probe call.
PROBE_INTERVAL = datetime.timedelta(days=30)
CACHE_KEY = "brokers:unsupported-services:v1"
CACHE_SECONDS = 300


# What `service_state` answers.
AVAILABLE = "available"  # no refusal on record: ask
REFUSED = "refused"  # refused less than PROBE_INTERVAL ago: do not ask
PROBE = "probe"  # refused, and the probe is due: ask once


def service_state(broker: Broker, service: str, *, now: datetime.datetime | None = None) -> str:
    """Whether `service` of `broker` may be asked now. No statement when the cache holds the
    refusals, else 1."""
    now = now or timezone.now()
    probe_after = _refusals().get((broker.pk, service))
    if probe_after is None:
        return AVAILABLE
    return REFUSED if probe_after > now else PROBE


def _refusals() -> dict[tuple[int, str], datetime.datetime]:
    refusals = cache.get(CACHE_KEY)
    if refusals is None:
        refusals = {
            (broker_id, service): probe_after
            for broker_id, service, probe_after in UnsupportedService.objects.values_list(
                "broker_id", "service", "probe_after"
            )
        }
        cache.set(CACHE_KEY, refusals, CACHE_SECONDS)
    return refusals


def refusals_changed() -> None:
    """Drop the cached refusals (after a write, or an admin's reset)."""
    cache.delete(CACHE_KEY)


def service_refusal_record(
    broker: Broker, service: str, *, now: datetime.datetime | None = None
) -> None:
    """Remember that `broker` answered "not supported" for `service`. 1 statement."""
    now = now or timezone.now()
    UnsupportedService.objects.bulk_create(
        [
            UnsupportedService(
                broker_id=broker.pk,
                service=service,
                first_refused_at=now,
                last_refused_at=now,
                probe_after=now + PROBE_INTERVAL,
            )
        ],
        update_conflicts=True,
        unique_fields=["broker", "service"],
        update_fields=["last_refused_at", "probe_after"],
    )
    refusals_changed()


def service_answered(broker: Broker, service: str) -> None:
    """A probe of a refused service was answered: forget the refusal. 1 statement."""
    UnsupportedService.objects.filter(broker_id=broker.pk, service=service).delete()
    refusals_changed()
