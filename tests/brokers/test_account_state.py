"""One function says where an account stands and what the person does: its rules' order."""

from __future__ import annotations

import datetime as dt

import pytest

from brokers.standing.account import STALE_AFTER, AccountState, NextAction, account_standing

NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
RECENTLY = NOW - dt.timedelta(minutes=2)

HEALTHY = {
    "account_status": "linked",
    "sync_problem": "",
    "connection_status": "active",
    "synced_at": RECENTLY,
    "has_data": True,
    "last_failure_kind": "",
}


def standing(**changes):
    return account_standing(**{**HEALTHY, **changes}, now=NOW)


def test_a_healthy_recently_synced_account_is_ok_with_nothing_to_do():
    result = standing()
    assert (result.state, result.action, result.link, result.synced_at) == (
        AccountState.OK,
        NextAction.NONE,
        "",
        RECENTLY,
    )


def test_a_failed_last_sync_is_not_shown_as_fresh():
    result = standing(last_failure_kind="transient")
    assert (result.state, result.action, result.failure_kind) == (
        AccountState.SYNC_FAILED,
        NextAction.WAIT,
        "transient",
    )
    assert result.shows_old_data and not result.needs_fixing


def test_a_first_sync_that_failed_says_it_failed_not_that_it_is_in_progress():
    result = standing(synced_at=None, has_data=False, last_failure_kind="internal")
    assert result.state is AccountState.SYNC_FAILED


@pytest.mark.parametrize(
    ("changes", "state", "action"),
    [
        # Unlinked wins over everything, a consent problem included.
        (
            {"account_status": "unlinked", "sync_problem": "consent_required"},
            AccountState.UNLINKED,
            NextAction.LINK_AGAIN,
        ),
        # A sync problem wins over the connection and over a failed run.
        (
            {"sync_problem": "consent_required", "connection_status": "reconnect_needed"},
            AccountState.CONSENT_NEEDED,
            NextAction.RENEW_CONSENT,
        ),
        (
            {"sync_problem": "identity_mismatch", "last_failure_kind": "identity_mismatch"},
            AccountState.IDENTITY_MISMATCH,
            NextAction.CHECK_LINK,
        ),
        # The connection wins over a failed run and old data.
        (
            {"connection_status": "reconnect_needed", "last_failure_kind": "reauth_required"},
            AccountState.RECONNECT,
            NextAction.RECONNECT,
        ),
        ({"connection_status": "revoked"}, AccountState.DISCONNECTED, NextAction.CONNECT),
        ({"connection_status": None}, AccountState.CONNECT, NextAction.CONNECT),
        # A failed run wins over old data.
        (
            {"last_failure_kind": "transient", "synced_at": NOW - 2 * STALE_AFTER},
            AccountState.SYNC_FAILED,
            NextAction.WAIT,
        ),
        ({"synced_at": None, "has_data": False}, AccountState.FIRST_SYNC, NextAction.WAIT),
        (
            {"synced_at": NOW - STALE_AFTER - dt.timedelta(minutes=1)},
            AccountState.STALE,
            NextAction.WAIT,
        ),
    ],
)
def test_the_first_rule_that_applies_wins(changes, state, action):
    result = standing(**changes)
    assert (result.state, result.action) == (state, action)
    assert result.link == ("link_status" if result.needs_fixing or state == "disconnected" else "")


def test_only_a_fault_of_the_link_asks_to_fix_it():
    assert standing(connection_status="reconnect_needed").needs_fixing
    assert standing(sync_problem="consent_required").needs_fixing
    assert not standing(connection_status="revoked").needs_fixing
    assert not standing(synced_at=None, has_data=False).needs_fixing
