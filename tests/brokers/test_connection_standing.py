"""`connection_standing`: the journey's step, each account's standing and the one piece of
advice, decided together (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from brokers.standing.connection import AccountFacts, connection_standing
from brokers.standing.journey import JourneyFacts
from tests.brokers.test_journey import CONNECTED, NOW

HEALTHY = AccountFacts(
    status="linked", sync_problem="", synced_at=NOW - dt.timedelta(hours=1), has_data=True
)


def _standing(journey: dict[str, object] | None = None, **account: object):
    facts = JourneyFacts(**{**CONNECTED.__dict__, **(journey or {})})
    return connection_standing(facts, {7: AccountFacts(**{**_fields(HEALTHY), **account})}, now=NOW)


def _fields(facts: AccountFacts) -> dict[str, object]:
    return {name: getattr(facts, name) for name in AccountFacts.__slots__}


@pytest.mark.parametrize(
    ("journey", "account", "advice"),
    [
        ({}, {}, "all_good"),
        ({}, {"last_failure_kind": "transient"}, "wait_for_retry"),
        ({}, {"last_failure_kind": "internal"}, "report_bug"),
        ({}, {"last_failure_kind": "reauth_required"}, "reconnect"),
        ({}, {"sync_problem": "identity_mismatch"}, "identity_mismatch"),
        ({}, {"sync_problem": "account_gone"}, "account_gone"),
        # A refusal at the portal wins over a lapsed connection and an expiring access.
        (
            {"connection_status": "reconnect_needed"},
            {"sync_problem": "consent_required"},
            ("consent_expired"),
        ),
        ({"consent_expires_at": NOW + dt.timedelta(days=3)}, {}, "consent_expiring"),
        (
            {"has_refresh_token": False, "access_expires_at": NOW + dt.timedelta(days=3)},
            {"last_failure_kind": "internal"},
            "access_expiring",
        ),
        # The steps before any account come first, whatever the accounts say.
        ({"is_member": False}, {"sync_problem": "consent_required"}, "join_portal"),
        ({"is_member": None}, {"last_failure_kind": "consent_required"}, "consent_expired"),
    ],
)
def test_the_advice_follows_the_order_the_module_gives(journey, account, advice):
    assert _standing(journey, **account).advice == advice


def test_an_access_lapsed_without_a_refresh_token_reads_reconnect_for_the_journey_and_accounts():
    standing = _standing({"has_refresh_token": False, "access_expires_at": NOW - dt.timedelta(1)})

    assert (standing.step, standing.accounts[7].state, standing.advice) == (
        "reconnect",
        "reconnect",
        "reconnect",
    )
    assert standing.alerts == ("access_expired",)


def test_connected_with_an_account_needing_the_person_is_not_all_well():
    assert _standing().needs_fixing is False
    standing = _standing(sync_problem="consent_required")
    assert (standing.step, standing.needs_fixing) == ("connected", True)


def test_a_link_that_ended_with_its_consent_is_told_from_one_the_person_removed():
    ended = {
        "status": "unlinked",
        "consent_expires_at": NOW - dt.timedelta(days=1),
    }
    journey = {"linked_account_count": 0}
    assert _standing(journey, **ended).advice == "consent_expired"
    removed = {**ended, "consent_expires_at": NOW + dt.timedelta(days=100)}
    assert _standing(journey, **removed).advice == "link_accounts"
