from __future__ import annotations

import datetime as dt

import pytest

from brokers.standing.journey import Alert, JourneyFacts, Step, alerts, journey_step

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
CONNECTED = JourneyFacts(
    email_verified=True,
    identity_verified=True,
    is_member=True,
    linked_account_count=2,
    connection_status="active",
    access_expires_at=NOW + dt.timedelta(days=20),
    has_refresh_token=True,
    consent_expires_at=NOW + dt.timedelta(days=200),
)


def _with(**changes: object) -> JourneyFacts:
    return JourneyFacts(**{**CONNECTED.__dict__, **changes})


@pytest.mark.parametrize(
    ("facts", "step"),
    [
        (_with(email_verified=False), Step.VERIFY_EMAIL),
        (_with(identity_verified=False, is_member=None), Step.VERIFY_IDENTITY),
        (_with(is_member=None), Step.CHECK_FAILED),
        (_with(is_member=False, linked_account_count=None), Step.JOIN_PORTAL),
        (_with(linked_account_count=None), Step.CHECK_FAILED),
        (_with(linked_account_count=0, connection_status=None), Step.LINK_ACCOUNTS),
        (_with(connection_status=None), Step.CONNECT),
        (_with(connection_status="revoked"), Step.CONNECT),
        (_with(connection_status="reconnect_needed"), Step.RECONNECT),
        (CONNECTED, Step.CONNECTED),
    ],
)
def test_the_next_step_follows_the_journey_in_order(facts, step):
    assert journey_step(facts, now=NOW) == step


def test_an_expired_token_without_refresh_token_means_reconnect():
    facts = _with(access_expires_at=NOW - dt.timedelta(seconds=1), has_refresh_token=False)

    assert journey_step(facts, now=NOW) == Step.RECONNECT


def test_an_expired_token_that_can_be_refreshed_is_still_connected():
    facts = _with(access_expires_at=NOW - dt.timedelta(seconds=1), has_refresh_token=True)

    assert journey_step(facts, now=NOW) == Step.CONNECTED


def test_every_consent_gone_sends_a_connected_user_back_to_the_portal():
    assert journey_step(_with(linked_account_count=0), now=NOW) == Step.LINK_ACCOUNTS


def test_no_alerts_when_everything_is_far_from_expiry():
    assert alerts(CONNECTED, now=NOW) == []


def test_access_expiring_within_seven_days_warns_only_without_a_refresh_token():
    soon = NOW + dt.timedelta(days=6, hours=23)

    assert alerts(_with(access_expires_at=soon, has_refresh_token=False), now=NOW) == [
        Alert.ACCESS_EXPIRING
    ]
    assert alerts(_with(access_expires_at=soon, has_refresh_token=True), now=NOW) == []


def test_consent_alerts_come_before_access_alerts():
    facts = _with(
        consent_expires_at=NOW - dt.timedelta(days=1),
        access_expires_at=NOW + dt.timedelta(days=3),
        has_refresh_token=False,
    )

    assert alerts(facts, now=NOW) == [Alert.CONSENT_EXPIRED, Alert.ACCESS_EXPIRING]


def test_consent_expiring_in_exactly_seven_days_warns():
    facts = _with(consent_expires_at=NOW + dt.timedelta(days=7))

    assert alerts(facts, now=NOW) == [Alert.CONSENT_EXPIRING]
