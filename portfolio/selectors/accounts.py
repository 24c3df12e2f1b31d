"""The user's linked accounts with their standing and latest valuation, as the dashboard lists
them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import User
from brokers.models import LinkedAccount
from brokers.standing.account import AccountStanding, AccountState
from brokers.standing.selectors import (
    account_standing_for_row,
    with_connection,
    with_last_failure_kind,
)
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
    standing: AccountStanding  # where it stands and what the user does (brokers.standing)

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
    # Data a sync confirmed, or a stored snapshot (data that came another way): the link page
    # and the console, which do not read snapshots, know the first only.
    synced_at = _synced_at(account, snapshot)
    return account_standing_for_row(account, now=now, synced_at=synced_at, has_data=bool(synced_at))


def accounts_for_user(*, user: User) -> list[LinkedAccount]:
    """The user's linked accounts with broker and holdings snapshot, for filters. 1 query."""
    return list(
        LinkedAccount.objects.for_user(user)
        .select_related("broker", "holdings_snapshot")
        .defer("vt_acc_no")  # shown by its tail only: never decrypted for a page
    )


# Written out rather than built with the ORM: the page needs it on every view, and composing
# the same query from querysets (two correlated subqueries) costs several times its execution.
# The table names are the models' (`portfolio.DailyValuation`, `brokers.LinkedAccount`); the
# tests read through this query on every page.
_LATEST_VALUATIONS = """
SELECT v.*,
       (SELECT COUNT(*) FROM portfolio_dailyvaluation c WHERE c.account_id = v.account_id)
           AS series_version
FROM portfolio_dailyvaluation v
WHERE v.id IN (
    SELECT (SELECT d.id FROM portfolio_dailyvaluation d
            WHERE d.account_id = a.id AND d.total_value IS NOT NULL
            ORDER BY d.date DESC LIMIT 1)
    FROM brokers_linkedaccount a
    WHERE a.user_id = %s AND (%s IS NULL OR a.id = %s)
)
"""


def latest_valuations_for_user(
    *, user: User, account_id: int | None = None
) -> dict[int, DailyValuation]:
    """Each account's most recent valuation that has a total, by account id. 1 query.

    The latest row is looked up once per account (an index probe each), not once per
    valuation row: the user's accounts are few, their valuations thousands. Each row also
    carries `series_version`, the number of valuations of its account (a count reads only the
    (account, date) index), which changes when a day is added to the account's history (a
    backfill of past days included): cached parts key on it (`portfolio.caching`).
    """
    rows = DailyValuation.objects.raw(_LATEST_VALUATIONS, [user.pk, account_id, account_id])
    return {row.account_id: row for row in rows}


def account_rows_for_user(
    *, user: User, now: datetime.datetime, account_id: int | None = None
) -> list[AccountRow]:
    """The user's linked accounts (or the one with `account_id`, if it is theirs) with their
    snapshot, latest valuation and standing, in the registry's order. 2 queries: accounts with
    broker, snapshot, the connection's status and the latest finished run's failure; latest
    valuations."""
    accounts = with_last_failure_kind(
        with_connection(
            LinkedAccount.objects.for_user(user)
            .select_related("broker", "holdings_snapshot")
            .defer("vt_acc_no")  # shown by its tail only: never decrypted for a page
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
