"""Where one linked account stands, and the one thing the person does about it.

One pure function (`account_standing`) of what is stored about the account, its connection and
its latest finished sync run, returning a small value (`AccountStanding`) that the dashboard,
the account page, the link page and the support console render (the link page and the console
through `brokers.standing.connection.ConnectionStanding`): templates show it, they do not
decide it. The rules, first match wins:

 the account was unlinked at the portal (or is gone) ──► UNLINKED        link it again
 the platform refused the account for want of consent ─► CONSENT_NEEDED  renew it at the portal
 the platform does not recognise the person ──────────► IDENTITY_MISMATCH check the link
 the grant lapsed or was refused ──────────────────────► RECONNECT       reconnect
 the person disconnected ──────────────────────────────► DISCONNECTED    connect again
 never connected ──────────────────────────────────────► CONNECT         connect
 the latest finished sync failed (a passing failure) ──► SYNC_FAILED     nothing: it is retried
 no sync has brought data yet ─────────────────────────► FIRST_SYNC      nothing: wait
 the last good data is older than STALE_AFTER ─────────► STALE           nothing: it is retried
 otherwise ────────────────────────────────────────────► OK

A refusal only the person can fix (the account's `sync_problem`) wins over the connection: it
must be fixed at the portal first, and reconnecting would not help. A failed sync wins over a
green "synced 2 minutes ago": the data shown is the last good sync's, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brokers.models import Connection, LinkedAccount
from brokers.models.accounts import SyncProblem

# An account not refreshed for this long shows its data as "as of" its time instead of fresh:
# the nightly sync runs once a day, so anything older than a day and a half missed a run.
STALE_AFTER = dt.timedelta(hours=36)

# Where the person acts on anything but waiting: the link page.
LINK_PAGE = "link_status"


class AccountState(StrEnum):
    OK = "ok"
    FIRST_SYNC = "first_sync"  # linked, but no sync has brought data yet
    SYNC_FAILED = "sync_failed"  # the latest finished sync failed; the last good data stays
    STALE = "stale"  # the last good data is older than STALE_AFTER
    CONNECT = "connect"  # no grant yet: the link journey's authorise step
    DISCONNECTED = "disconnected"  # the person disconnected: kept data shown, nothing is wrong
    RECONNECT = "reconnect"  # the grant lapsed or was refused: reconnect
    CONSENT_NEEDED = "consent_needed"  # the platform refused the account: renew the consent
    IDENTITY_MISMATCH = "identity_mismatch"  # the platform does not recognise the person
    UNLINKED = "unlinked"  # unlinked at the portal, or gone: link it again at the portal


# The state in a few words, where a table has room for no more (the support console).
LABELS: dict[AccountState, Promise] = {
    AccountState.OK: _("syncing normally"),
    AccountState.FIRST_SYNC: _("first sync pending"),
    AccountState.SYNC_FAILED: _("last sync failed"),
    AccountState.STALE: _("data out of date"),
    AccountState.CONNECT: _("not authorised yet"),
    AccountState.DISCONNECTED: _("disconnected"),
    AccountState.RECONNECT: _("reconnect needed"),
    AccountState.CONSENT_NEEDED: _("consent needed"),
    AccountState.IDENTITY_MISMATCH: _("identity not recognised"),
    AccountState.UNLINKED: _("no longer linked at the portal"),
}


class NextAction(StrEnum):
    NONE = "none"  # all is well
    WAIT = "wait"  # nothing to do: a sync is coming or is retried by itself
    CONNECT = "connect"
    RECONNECT = "reconnect"
    RENEW_CONSENT = "renew_consent"
    CHECK_LINK = "check_link"
    LINK_AGAIN = "link_again"


@dataclass(frozen=True, slots=True)
class AccountStanding:
    """An account's state, what the person does next, and the URL name of the page where they
    do it ("" when there is nothing to do). `synced_at`: when its data was last confirmed;
    `failure_kind`: the failed sync's kind (`brokers.errors`, `brokers.run_kinds`), if any."""

    state: AccountState
    action: NextAction
    link: str = ""
    synced_at: dt.datetime | None = None
    failure_kind: str = ""

    @property
    def label(self) -> str:
        return str(LABELS[self.state])

    @property
    def needs_fixing(self) -> bool:
        """Something is wrong with the link that the person fixes (at the link page or the
        portal). A disconnection is the person's choice, not a fault: it has its own notice."""
        return bool(self.link) and self.state is not AccountState.DISCONNECTED

    @property
    def problem(self) -> str:
        """The refusal only the person can fix at the portal (a `SyncProblem`), "" if none."""
        return self.failure_kind if self.state in _PORTAL_FIXES else ""

    @property
    def fixed_at_portal(self) -> bool:
        """The fix is made at the portal (renew the consent, link the account again), not by
        connecting: a page that links to the portal offers it there."""
        return self.state in _PORTAL_FIXES or self.state is AccountState.UNLINKED

    @property
    def shows_old_data(self) -> bool:
        """The figures shown are the last good sync's, older than they should be."""
        return self.state in (AccountState.STALE, AccountState.SYNC_FAILED)


_PROBLEMS: dict[str, tuple[AccountState, NextAction]] = {
    SyncProblem.CONSENT_REQUIRED: (AccountState.CONSENT_NEEDED, NextAction.RENEW_CONSENT),
    SyncProblem.IDENTITY_MISMATCH: (AccountState.IDENTITY_MISMATCH, NextAction.CHECK_LINK),
    SyncProblem.ACCOUNT_GONE: (AccountState.UNLINKED, NextAction.LINK_AGAIN),
}
_PORTAL_FIXES = frozenset(state for state, _action in _PROBLEMS.values())
_CONNECTIONS: dict[str | None, tuple[AccountState, NextAction]] = {
    Connection.Status.RECONNECT_NEEDED: (AccountState.RECONNECT, NextAction.RECONNECT),
    Connection.Status.REVOKED: (AccountState.DISCONNECTED, NextAction.CONNECT),
    None: (AccountState.CONNECT, NextAction.CONNECT),
}


def account_standing(
    *,
    account_status: str,
    sync_problem: str,
    connection_status: str | None,
    synced_at: dt.datetime | None,
    has_data: bool,
    last_failure_kind: str = "",
    now: dt.datetime,
) -> AccountStanding:
    """See the module docstring. `last_failure_kind`: the failure kind of the account's latest
    finished run when that run failed, "" when it succeeded or none finished."""
    if account_status == LinkedAccount.Status.UNLINKED:
        return AccountStanding(AccountState.UNLINKED, NextAction.LINK_AGAIN, LINK_PAGE, synced_at)
    if sync_problem in _PROBLEMS:
        state, action = _PROBLEMS[sync_problem]
        return AccountStanding(state, action, LINK_PAGE, synced_at, sync_problem)
    if connection_status in _CONNECTIONS:
        state, action = _CONNECTIONS[connection_status]
        return AccountStanding(state, action, LINK_PAGE, synced_at)
    if last_failure_kind:
        return AccountStanding(
            AccountState.SYNC_FAILED, NextAction.WAIT, "", synced_at, last_failure_kind
        )
    if not has_data or synced_at is None:
        return AccountStanding(AccountState.FIRST_SYNC, NextAction.WAIT)
    if now - synced_at > STALE_AFTER:
        return AccountStanding(AccountState.STALE, NextAction.WAIT, "", synced_at)
    return AccountStanding(AccountState.OK, NextAction.NONE, "", synced_at)
