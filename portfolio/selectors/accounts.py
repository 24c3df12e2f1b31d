"""The user's linked accounts with their standing and latest valuation, as the dashboard lists
them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from accounts.models import User
from brokers.account_state import AccountStanding, AccountState, account_standing
from brokers.models import Connection, LinkedAccount, SyncRun
from portfolio.models import (
    DailyValuation,
    HoldingsSnapshot,
)


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A linked account with what the dashboard shows about it."""

    account: LinkedAccount
    snapshot: HoldingsSnapshot | None
    latest: DailyValuation | None
    standing: AccountStanding  # where it stands and what the user does (brokers.account_state)

    @property
    def state(self) -> AccountState:
        return self.standing.state

    @property
    def is_ratio_only(self) -> bool:
        return self.snapshot is not None and self.snapshot.is_ratio_only

    @property
    def synced_at(self) -> datetime.datetime | None:
        return _synced_at(self.account, self.snapshot)


def _synced_at(
    account: LinkedAccount, snapshot: HoldingsSnapshot | None
) -> datetime.datetime | None:
    """When the account's data was last confirmed: its last successful sync (which a sync that
    found nothing changed also sets, as the progress panel says), else the snapshot's time."""
    if account.last_success_at is not None:
        return account.last_success_at
    return snapshot.updated_at if snapshot is not None else None


def _account_standing(
    account: LinkedAccount, snapshot: HoldingsSnapshot | None, now: datetime.datetime
) -> AccountStanding:
    return account_standing(
        account_status=account.status,
        sync_problem=account.sync_problem,
        connection_status=getattr(account, "connection_status", None),
        synced_at=_synced_at(account, snapshot),
        has_data=snapshot is not None,
        last_failure_kind=getattr(account, "last_failure_kind", None) or "",
        now=now,
    )


def accounts_for_user(*, user: User) -> list[LinkedAccount]:
    """The user's linked accounts with broker and holdings snapshot, for filters. 1 query."""
    return list(LinkedAccount.objects.for_user(user).select_related("broker", "holdings_snapshot"))


def latest_valuations_for_user(
    *, user: User, account_id: int | None = None
) -> dict[int, DailyValuation]:
    """Each account's most recent valuation that has a total, by account id. 1 query.

    The latest row is looked up once per account (an index probe each), not once per
    valuation row: the user's accounts are few, their valuations thousands. Each row also
    carries `series_version`, the number of valuations of its account, which changes when a
    day is added to the account's history (a backfill of past days included): cached parts
    key on it (`portfolio.caching`).
    """
    accounts = LinkedAccount.objects.for_user(user)
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    latest = accounts.annotate(
        latest_id=Subquery(
            DailyValuation.objects.filter(account_id=OuterRef("pk"), total_value__isnull=False)
            .order_by("-date")
            .values("pk")[:1]
        )
    ).values("latest_id")
    # A count reads only the (account, date) index; a maximum id would visit every row.
    days = (
        DailyValuation.objects.filter(account_id=OuterRef("account_id"))
        .values("account_id")
        .annotate(days=Count("pk"))
        .values("days")
    )
    rows = DailyValuation.objects.filter(pk__in=latest).annotate(series_version=days).order_by()
    return {row.account_id: row for row in rows}


def account_rows_for_user(
    *, user: User, now: datetime.datetime, account_id: int | None = None
) -> list[AccountRow]:
    """The user's linked accounts (or the one with `account_id`, if it is theirs) with their
    snapshot, latest valuation and standing, in the registry's order. 2 queries: accounts with
    broker, snapshot, the connection's status and the latest finished run's failure; latest
    valuations."""
    connection_status = Connection.objects.filter(
        user_id=OuterRef("user_id"), upstream=Connection.Upstream.OPENPLATFORM
    ).values("status")[:1]
    # The failure kind of the latest finished run ("" when it succeeded).
    last_failure_kind = (
        SyncRun.objects.filter(
            account_id=OuterRef("pk"),
            state__in=[SyncRun.State.SUCCEEDED, SyncRun.State.FAILED],
        )
        .order_by("-id")
        .values("failure_kind")[:1]
    )
    accounts = (
        LinkedAccount.objects.for_user(user)
        .select_related("broker", "holdings_snapshot")
        .annotate(
            connection_status=Subquery(connection_status),
            last_failure_kind=Subquery(last_failure_kind),
        )
    )
    if account_id is not None:
        accounts = accounts.filter(pk=account_id)
    latest = latest_valuations_for_user(user=user, account_id=account_id)
    rows = []
    for linked in accounts:
        snapshot = getattr(linked, "holdings_snapshot", None)
        rows.append(
            AccountRow(
                account=linked,
                snapshot=snapshot,
                latest=latest.get(linked.pk),
                standing=_account_standing(linked, snapshot, now),
            )
        )
    return rows
