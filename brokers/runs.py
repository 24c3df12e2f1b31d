"""Sync runs as a state machine: queued → running → succeeded | failed, or queued → skipped.

Every transition is one conditional UPDATE (`filter(pk=…, state=…).update(…)`), so two
processes can never both move a run out of the same state. Starting a run is also how a sync
claims its account: the database allows one running run per account (a partial unique index),
so the second of two syncs of one account fails to start and is recorded as skipped
"already running". Being a row, the claim is visible to the pages that poll progress and to
support; a run whose worker died stays running until `runs_sweep_stale` fails it as `stale`,
which frees the account for the next sync.

The functions here know nothing of what a sync fetches or writes (`portfolio.sync` does);
they only record it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from brokers.errors import PlatformError
from brokers.models import SyncRun

logger = logging.getLogger(__name__)

# Failure kinds of our own, next to the platform error kinds of `brokers.errors`.
ALREADY_RUNNING = "already_running"  # skipped: another run of the account was running
BUDGET = "budget"  # skipped: the day's platform budget could not cover this account
NOT_CONNECTED = "not_connected"  # skipped: no usable grant (never connected, disconnected)
UNLINKED = "unlinked"  # skipped: the account is no longer linked at the portal
SUPERSEDED = "superseded"  # skipped: the queued run was already taken by another delivery
HOLIDAY = "holiday"  # skipped: a nightly run on a day the KRX is shut
STALE = "stale"  # failed: left running past the time limit (its worker died or hung)
TIMEOUT = "timeout"  # failed: the task's time limit interrupted it
INTERNAL = "internal"  # failed: an error of ours, not the platform's (logged with a trace)

_MESSAGES = {
    ALREADY_RUNNING: "another sync of this account was running",
    BUDGET: "the day's platform call budget was kept for more recently active users",
    NOT_CONNECTED: "the user has no active connection",
    UNLINKED: "the account is no longer linked at the portal",
    SUPERSEDED: "this run had already been started or finished",
    HOLIDAY: "the exchange is closed that day: nothing to sync",
    STALE: "the sync did not finish within its time limit",
    TIMEOUT: "the sync ran out of time",
    INTERNAL: "an internal error stopped the sync",
}
_MESSAGE_LENGTH = SyncRun._meta.get_field("message").max_length


def _message(kind: str, message: str | None = None) -> str:
    return (message or _MESSAGES.get(kind, kind))[:_MESSAGE_LENGTH]


def stale_after() -> datetime.timedelta:
    """How long a run may be running before the sweeper fails it: the task's hard time limit
    (after which Celery has killed it) and a minute for the worker to notice."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def queued_stale_after() -> datetime.timedelta:
    """How long a run may wait queued: its message may be delayed by a retry countdown and
    redelivered once after the visibility timeout; past both, it was lost."""
    return datetime.timedelta(
        seconds=settings.CELERY_VISIBILITY_TIMEOUT + settings.CELERY_TASK_TIME_LIMIT
    )


def run_queue(
    *,
    account_id: int,
    trigger: str,
    attempt: int = 1,
    as_of: datetime.date | None = None,
) -> SyncRun:
    """A new queued run of the account, before its task is enqueued (so that pages show it)."""
    return SyncRun.objects.create(
        account_id=account_id, trigger=trigger, attempt=attempt, as_of=as_of
    )


def run_skipped(
    *,
    account_id: int,
    trigger: str,
    kind: str,
    attempt: int = 1,
    as_of: datetime.date | None = None,
) -> SyncRun:
    """Record a run that was decided against before it was queued (e.g. the budget)."""
    now = timezone.now()
    return SyncRun.objects.create(
        account_id=account_id,
        trigger=trigger,
        attempt=attempt,
        as_of=as_of,
        state=SyncRun.State.SKIPPED,
        finished_at=now,
        failure_kind=kind,
        message=_message(kind),
    )


def run_skip(*, run_id: int, kind: str) -> bool:
    """queued → skipped, with our reason."""
    return bool(
        SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
            state=SyncRun.State.SKIPPED,
            finished_at=timezone.now(),
            failure_kind=kind,
            message=_message(kind),
        )
    )


def run_start(*, run_id: int, as_of: datetime.date | None = None) -> bool:
    """queued → running, claiming the run's account; False when the run could not start.

    When another run of the account is running, the database refuses the update and this run
    is skipped as "already running". A run that is no longer queued (a redelivered message
    for a run that already ran, or was swept) is left as it is.
    """
    try:
        with transaction.atomic():
            started = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
                state=SyncRun.State.RUNNING, started_at=timezone.now(), as_of=as_of
            )
    except IntegrityError:
        run_skip(run_id=run_id, kind=ALREADY_RUNNING)
        return False
    return bool(started)


class ClaimLost(Exception):
    """The run was no longer running when it came to finish (the sweeper failed it)."""


def run_succeed(
    *,
    run_id: int,
    calls_used: int,
    detail: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> None:
    """running → succeeded. Called inside the transaction that writes the sync's data, so the
    data and the run's success commit together; `ClaimLost` (rolling that transaction back)
    when the run had been swept as stale meanwhile and another sync may own the account."""
    done = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).update(
        state=SyncRun.State.SUCCEEDED,
        finished_at=now or timezone.now(),
        calls_used=calls_used,
        detail=dict(detail),
        failure_kind="",
        message="",
    )
    if not done:
        raise ClaimLost(f"run {run_id} was no longer running")


def run_fail(
    *,
    run_id: int,
    kind: str,
    calls_used: int,
    message: str | None = None,
    platform_code: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> bool:
    """running → failed, with the kind of failure and our own safe message."""
    return bool(
        SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).update(
            state=SyncRun.State.FAILED,
            finished_at=timezone.now(),
            calls_used=calls_used,
            failure_kind=kind,
            platform_code=platform_code,
            message=_message(kind, message),
            detail=dict(detail or {}),
        )
    )


def run_fail_platform(*, run_id: int, error: PlatformError, calls_used: int) -> bool:
    """running → failed for a platform error; its `message` is ours by construction."""
    detail = {"retry_after": error.retry_after} if error.retry_after is not None else {}
    return run_fail(
        run_id=run_id,
        kind=error.kind,
        calls_used=calls_used,
        message=error.message,
        platform_code=error.code,
        detail=detail,
    )


def runs_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Fail runs left running past the time limit, or queued past any possible delivery, as
    `stale`: nothing shows "syncing" forever, and their accounts can be synced again. Returns
    how many were swept. Idempotent; one UPDATE."""
    now = now or timezone.now()
    swept = SyncRun.objects.filter(
        Q(state=SyncRun.State.RUNNING, started_at__lt=now - stale_after())
        | Q(state=SyncRun.State.QUEUED, created_at__lt=now - queued_stale_after())
    ).update(
        state=SyncRun.State.FAILED,
        finished_at=now,
        failure_kind=STALE,
        message=_message(STALE),
    )
    if swept:
        logger.warning("marked %s sync runs stale", swept)
    return swept
