"""The one service that queues syncs: "sync now", the OAuth callback, the support console, the
admin's retry (those three through `brokers.sync_requests`) and the nightly plan all end here.

Queueing makes a `SyncRun` row in state "queued" and sends the account task only once that row
is committed, so a worker never looks for a run it cannot see yet. An account with a run
already queued or running gets no second one: the rows of the accounts concerned are locked
first, so two requests at once (two clicks, a click and the callback) queue one run.

The tasks module does not import this one (it imports the sync itself); this module imports the
task it sends, so the graph points one way.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.sync_requests import Enqueued
from portfolio.sync import runs
from portfolio.sync.tasks import account_sync_task

UNFINISHED = (SyncRun.State.QUEUED, SyncRun.State.RUNNING)


def send_after_commit(
    queued: list[SyncRun], *, trigger: str, ip_address: str | None = None
) -> None:
    """Send each queued run to the account task once the runs are committed."""
    to_send = [(run.account_id, run.pk) for run in queued]

    def send() -> None:
        for account_id, run_id in to_send:
            account_sync_task.delay(
                account_id, run_id=run_id, trigger=trigger, ip_address=ip_address
            )

    if to_send:
        transaction.on_commit(send)


def syncable_accounts() -> QuerySet[LinkedAccount]:
    """Linked accounts whose user has an active connection."""
    return LinkedAccount.objects.filter(
        status=LinkedAccount.Status.LINKED,
        user__connections__upstream=Connection.Upstream.OPENPLATFORM,
        user__connections__status=Connection.Status.ACTIVE,
    )


@transaction.atomic
def sync_enqueue(
    *,
    user: User,
    trigger: str = SyncRun.Trigger.USER,
    account_id: int | None = None,
    ip_address: str | None = None,
    connected_only: bool = True,
) -> Enqueued:
    """Queue a sync of each of the user's linked accounts (or the one given) and send the
    tasks once committed. Accounts with a sync already queued or running are left to it and
    their runs returned as `following`, so the page follows them.

    connected_only: only linked accounts whose user has an active connection (the default:
        "sync now", the callback). Support and the admin's retry queue the account they name
        whatever its state, and the run records why it was skipped, where they look.
    """
    accounts = (syncable_accounts() if connected_only else LinkedAccount.objects.all()).filter(
        user=user
    )
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    # Lock the accounts' rows (in id order: two requests never wait on each other crosswise),
    # so the check below and the queueing are one step for each account.
    ids = list(
        LinkedAccount.objects.select_for_update()
        .filter(pk__in=accounts.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    busy = set(
        SyncRun.objects.filter(account_id__in=ids, state__in=UNFINISHED).values_list(
            "account_id", flat=True
        )
    )
    queued = [runs.run_queue(account_id=pk, trigger=trigger) for pk in ids if pk not in busy]
    send_after_commit(queued, trigger=trigger, ip_address=ip_address)
    following = list(
        SyncRun.objects.filter(account_id__in=busy, state__in=UNFINISHED).latest_per_account()
    )
    return Enqueued(queued=queued, following=following)
