"""The progress the pages poll while a sync runs: each account's latest run."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from brokers.models import LinkedAccount, SyncRun


@dataclass(frozen=True, slots=True)
class AccountSyncProgress:
    """A linked account with its most recent sync run (None before the first)."""

    account: LinkedAccount
    run: SyncRun | None

    @property
    def state(self) -> str:
        return self.run.state if self.run is not None else "idle"

    @property
    def is_active(self) -> bool:
        return self.state in (SyncRun.State.QUEUED, SyncRun.State.RUNNING)


def sync_progress_for_user(
    user: User, *, account_id: int | None = None
) -> list[AccountSyncProgress]:
    """The user's linked accounts (or the one with `account_id`, if it is theirs) with their
    latest run, for the progress the pages poll. 2 queries."""
    accounts = LinkedAccount.objects.for_user(user).filter(status=LinkedAccount.Status.LINKED)
    runs = SyncRun.objects.for_user(user)
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
        runs = runs.filter(account_id=account_id)
    latest = {run.account_id: run for run in runs.latest_per_account()}
    return [
        AccountSyncProgress(account=account, run=latest.get(account.pk))
        for account in accounts.select_related("broker")
    ]
