"""Sync runs as a state machine: queued → running → succeeded | failed, or queued → skipped.

Every transition is one conditional UPDATE (`filter(pk=…, state=…).update(…)`), so two
processes can never both move a run out of the same state. Starting a run is also how a sync
claims its account: the database allows one running run per account (a partial unique index),
so the second of two syncs of one account fails to start and is recorded as skipped
"already running". Being a row, the claim is visible to the pages that poll progress and to
support.

A running run is also held by a PostgreSQL session advisory lock of the process carrying it
out. The database drops that lock the moment the process dies (a SIGKILL, the OOM killer), so
"running, and nobody holds it" means its worker is gone: the redelivered task takes the run
over at once (and carries it out as attempt n + 1), and `runs_sweep_stale`, every minute, fails
an orphan that nobody took over as `interrupted`. Runs left running past the time limit (a hung
worker) are failed as `stale`, which frees the account for the next sync.

The functions here know nothing of what a sync fetches or writes (`portfolio.sync.fetch` and
`portfolio.sync.store` do); they only record it. The run model (`brokers.models.SyncRun`) and
its failure kinds (`brokers.run_kinds`) stay in `brokers`, where the support console reads them.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from brokers.errors import PlatformError
from brokers.models import SyncRun
from brokers.run_kinds import (
    ALREADY_RUNNING,
    BUDGET,
    HOLIDAY,
    INTERNAL,
    INTERRUPTED,
    NOT_CONNECTED,
    STALE,
    SUPERSEDED,
    TIMEOUT,
    UNLINKED,
)

logger = logging.getLogger(__name__)

_MESSAGES = {
    ALREADY_RUNNING: "another sync of this account was running",
    BUDGET: "the day's platform call budget was kept for more recently active users",
    NOT_CONNECTED: "the user has no active connection",
    UNLINKED: "the account is no longer linked at the portal",
    SUPERSEDED: "this run had already been started or finished",
    HOLIDAY: "the exchange is closed that day: nothing to sync",
    STALE: "the sync did not finish within its time limit",
    INTERRUPTED: "the worker carrying out the sync stopped",
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


# --- who holds a running run ----------------------------------------------------------------
# Session advisory locks, keyed in a space of their own; a no-op on other databases (the
# embedded SQLite mode runs tasks in-process, where a dead worker is a dead site).
_LOCK_SPACE = 0x4A53594E  # "JSYN"
HELD = "held"  # detail key of a run started under its lock (runs made otherwise are not checked)


def _locking() -> bool:
    return connection.vendor == "postgresql"


def _lock_key(run_id: int) -> int:
    return (_LOCK_SPACE << 32) | (run_id & 0xFFFFFFFF)


def _held_here() -> set[int]:
    """Runs whose lock this database session holds (advisory locks are re-entrant within a
    session, so the database alone cannot tell us that a lock is our own)."""
    held: set[int] | None = getattr(connection, "_jasan_run_locks", None)
    if held is None:
        held = set()
        connection._jasan_run_locks = held  # type: ignore[attr-defined]
    return held


def _try_lock(run_id: int) -> bool:
    if not _locking():
        return True
    if run_id in _held_here():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(run_id)])
        locked = bool(cursor.fetchone()[0])
    if locked:
        _held_here().add(run_id)
    return locked


HOLDER_EXIT_WAIT = 3.0  # seconds a killed process's database session may take to end


def _lock_after_holder_exit(run_id: int) -> bool:
    """The lock of a running run, once its holder's session has ended. A killed worker's
    message can be redelivered before the database has noticed the dead session, so a running
    run's lock is asked for again for a few seconds before the run is left to its holder."""
    if not _locking() or run_id in _held_here():
        return False
    deadline = time.monotonic() + HOLDER_EXIT_WAIT
    while SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
        if _try_lock(run_id):
            return True
    return False


def _unlock(run_id: int) -> None:
    if not _locking() or run_id not in _held_here():
        return
    _held_here().discard(run_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(run_id)])


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
    is skipped as "already running". A run that is no longer queued (a redelivered message for
    a run that already ran, or was swept) is left as it is, unless it is still running and its
    holder is gone (the redelivery after a killed worker): then this process takes it over.
    """
    if not _try_lock(run_id) and not _lock_after_holder_exit(run_id):
        return False  # a live process is carrying the run out
    try:
        with transaction.atomic():
            started = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
                state=SyncRun.State.RUNNING,
                started_at=timezone.now(),
                as_of=as_of,
                detail={HELD: True},
            )
    except IntegrityError:
        _unlock(run_id)
        run_skip(run_id=run_id, kind=ALREADY_RUNNING)
        return False
    if started:
        return True
    if _run_take_over(run_id=run_id, as_of=as_of):
        return True
    _unlock(run_id)
    return False


def _run_take_over(*, run_id: int, as_of: datetime.date | None) -> bool:
    """A running run whose lock we could take has lost its process: carry it out here, as the
    next attempt, from the start (its writes are one transaction, so nothing was half-done)."""
    if not _locking():
        return False
    taken = SyncRun.objects.filter(
        pk=run_id, state=SyncRun.State.RUNNING, **{f"detail__{HELD}": True}
    ).update(
        started_at=timezone.now(),
        as_of=as_of,
        attempt=F("attempt") + 1,
        detail={HELD: True, "taken_over": True},
    )
    if taken:
        logger.warning("sync run %s lost its worker and was taken over", run_id)
    return bool(taken)


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
    _unlock(run_id)


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
    failed = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).update(
        state=SyncRun.State.FAILED,
        finished_at=timezone.now(),
        calls_used=calls_used,
        failure_kind=kind,
        platform_code=platform_code,
        message=_message(kind, message),
        detail=dict(detail or {}),
    )
    _unlock(run_id)
    return bool(failed)


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
    """Fail runs whose worker is gone as `interrupted`, runs left running past the time limit
    as `stale`, and runs queued past any possible delivery as `stale`: nothing shows "syncing"
    for more than a minute after its worker died (the sweep runs every minute), and their
    accounts can be synced again. Returns how many were swept. Idempotent."""
    now = now or timezone.now()
    swept = runs_close_orphans(now=now)
    stale = SyncRun.objects.filter(
        Q(state=SyncRun.State.RUNNING, started_at__lt=now - stale_after())
        | Q(state=SyncRun.State.QUEUED, created_at__lt=now - queued_stale_after())
    ).update(
        state=SyncRun.State.FAILED,
        finished_at=now,
        failure_kind=STALE,
        message=_message(STALE),
    )
    if stale:
        logger.warning("marked %s sync runs stale", stale)
    return swept + stale


def runs_close_orphans(*, now: datetime.datetime | None = None) -> int:
    """Fail every running run whose process is gone (nobody holds its lock) as `interrupted`.
    One lock probe per running run: there are at most as many as busy workers."""
    if not _locking():
        return 0
    closed = 0
    running = SyncRun.objects.filter(
        state=SyncRun.State.RUNNING, **{f"detail__{HELD}": True}
    ).values_list("pk", flat=True)
    for run_id in running:
        if not _try_lock(run_id):
            continue  # alive (or ours)
        try:
            closed += SyncRun.objects.filter(pk=run_id, state=SyncRun.State.RUNNING).update(
                state=SyncRun.State.FAILED,
                finished_at=now or timezone.now(),
                failure_kind=INTERRUPTED,
                message=_message(INTERRUPTED),
            )
        finally:
            _unlock(run_id)
    if closed:
        logger.warning("closed %s sync runs whose worker had stopped", closed)
    return closed
