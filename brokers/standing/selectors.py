"""The stored facts a standing is decided from, read the same way for every page.

The link page, the support console and the dashboard read each account's latest finished run
through `with_last_failure_kind` (one subquery, whatever the number of accounts), so a failed
sync reads as failed on all of them. The dashboard, which does not gather the link journey's
facts, reads the user's connection along with the accounts (`with_connection`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.standing.account import AccountStanding
from brokers.standing.connection import AccountFacts, standing_of_account
from brokers.standing.journey import connection_state


def with_last_failure_kind(accounts: QuerySet[LinkedAccount]) -> QuerySet[LinkedAccount]:
    """The accounts, each with `last_failure_kind`: the failure kind of its latest finished
    run, "" when that run succeeded, None when none finished."""
    latest = (
        SyncRun.objects.filter(
            account_id=OuterRef("pk"),
            state__in=[SyncRun.State.SUCCEEDED, SyncRun.State.FAILED],
        )
        .order_by("-id")
        .values("failure_kind")[:1]
    )
    return accounts.annotate(last_failure_kind=Subquery(latest))


def account_facts(account: LinkedAccount) -> AccountFacts:
    """An account's facts from its row (read through `with_last_failure_kind`). Its data was
    last confirmed by its last successful sync, which writes the data it brings."""
    return AccountFacts(
        status=account.status,
        sync_problem=account.sync_problem,
        synced_at=account.last_success_at,
        has_data=account.last_success_at is not None,
        last_failure_kind=getattr(account, "last_failure_kind", None) or "",
        consent_expires_at=account.consent_expires_estimate,
    )


def with_connection(accounts: QuerySet[LinkedAccount]) -> QuerySet[LinkedAccount]:
    """The accounts, each with its user's connection to the platform as `connection_status`,
    `connection_access_expires_at` and `connection_renewable` (a refresh token is held: only
    whether one is, never the token)."""
    connection = Connection.objects.filter(
        user_id=OuterRef("user_id"), upstream=Connection.Upstream.OPENPLATFORM
    )
    return accounts.annotate(
        connection_status=Subquery(connection.values("status")[:1]),
        connection_access_expires_at=Subquery(connection.values("access_expires_at")[:1]),
        connection_renewable=Exists(connection.filter(refresh_token__isnull=False)),
    )


def account_standing_for_row(
    account: LinkedAccount,
    *,
    now: dt.datetime,
    synced_at: dt.datetime | None,
    has_data: bool,
) -> AccountStanding:
    """The standing of an account read through `with_connection` and `with_last_failure_kind`,
    by the rules the link page and the console use. `synced_at` and `has_data`: what the page
    knows of the account's data (the dashboard: its holdings snapshot too)."""
    status = connection_state(
        getattr(account, "connection_status", None),
        access_expires_at=getattr(account, "connection_access_expires_at", None),
        has_refresh_token=bool(getattr(account, "connection_renewable", False)),
        now=now,
    )
    facts = AccountFacts(
        status=account.status,
        sync_problem=account.sync_problem,
        synced_at=synced_at,
        has_data=has_data,
        last_failure_kind=getattr(account, "last_failure_kind", None) or "",
    )
    return standing_of_account(facts, connection_status=status, now=now)
