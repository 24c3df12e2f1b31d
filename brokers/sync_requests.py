"""How `brokers` asks for a sync without importing the sync, which sits above it.

The sync (runs, the enqueue service, the tasks) lives in `portfolio.sync`; `brokers` sits below
`portfolio` and may not import it. Three places of `brokers` still start a sync: the OAuth
callback (the first sync after connecting), the support console's "queue a sync" and the
admin's "retry". They call `sync_request`, which hands the request to the one enqueue service
`portfolio.sync.enqueue.sync_enqueue`, registered here by `PortfolioConfig.ready()`. No task
name crosses between the apps: the service sends its own app's task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from brokers.models import LinkedAccount, SyncRun


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What a request to sync did: the runs it queued, and the runs already queued or running
    that it left alone (an account gets no second unfinished run). `runs` is both, to follow."""

    queued: list[SyncRun] = field(default_factory=list)
    following: list[SyncRun] = field(default_factory=list)

    @property
    def runs(self) -> list[SyncRun]:
        return self.queued + self.following


class SyncEnqueue(Protocol):
    def __call__(
        self,
        *,
        user: User,
        trigger: str,
        account_id: int | None = None,
        ip_address: str | None = None,
        connected_only: bool = True,
    ) -> Enqueued: ...


_enqueue: SyncEnqueue | None = None


def sync_enqueue_register(enqueue: SyncEnqueue) -> None:
    """Called once by the app that owns the sync (`PortfolioConfig.ready()`)."""
    global _enqueue
    _enqueue = enqueue


def sync_request(
    *,
    user: User,
    trigger: str,
    account_id: int | None = None,
    ip_address: str | None = None,
    connected_only: bool = True,
) -> Enqueued:
    """Queue a sync of the user's accounts (or the one given) through the registered service
    (see `portfolio.sync.enqueue.sync_enqueue` for what it does)."""
    if _enqueue is None:
        raise ImproperlyConfigured(
            "no sync enqueue service is registered (portfolio not installed)"
        )
    return _enqueue(
        user=user,
        trigger=trigger,
        account_id=account_id,
        ip_address=ip_address,
        connected_only=connected_only,
    )


def account_sync_request(*, account: LinkedAccount, trigger: str) -> tuple[SyncRun, bool]:
    """Queue a sync of one account whatever its connection (support, the admin's retry: the
    run records why it skipped, where they look); the run to follow, and True if it is new."""
    enqueued = sync_request(
        user=account.user, trigger=trigger, account_id=account.pk, connected_only=False
    )
    if enqueued.queued:
        return enqueued.queued[0], True
    (run,) = enqueued.following
    return run, False
