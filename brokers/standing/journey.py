"""Where a user stands in the link journey, and the one next step to show them.

A pure function of facts gathered elsewhere (`brokers.link_status.link_status_for_user`), so each
rule can be tested on its own; `brokers.standing.connection` combines it with each account's
standing. The order of the rules is the order of the journey in
docs/architecture.md ("The link journey"): e-mail, identity, portal membership, linked virtual
accounts, authorization, then syncing.
A broken link is "reconnected" (update mode), never deleted and re-added: the accounts and their
data stay while the user fixes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Expiring access or consent is announced (on the pages and by e-mail) this long before.
WARN_BEFORE = dt.timedelta(days=7)


class Step(StrEnum):
    VERIFY_EMAIL = "verify_email"
    VERIFY_IDENTITY = "verify_identity"
    CHECK_FAILED = "check_failed"  # the platform did not answer: try again later
    JOIN_PORTAL = "join_portal"
    LINK_ACCOUNTS = "link_accounts"
    CONNECT = "connect"
    RECONNECT = "reconnect"
    CONNECTED = "connected"


class Alert(StrEnum):
    ACCESS_EXPIRING = "access_expiring"
    ACCESS_EXPIRED = "access_expired"
    CONSENT_EXPIRING = "consent_expiring"
    CONSENT_EXPIRED = "consent_expired"


@dataclass(frozen=True)
class JourneyFacts:
    email_verified: bool
    identity_verified: bool
    # None: not asked (no identity yet) or the platform did not answer.
    is_member: bool | None = None
    linked_account_count: int | None = None
    # The stored connection: None when the user never connected (or disconnected).
    connection_status: str | None = None
    access_expires_at: dt.datetime | None = None
    has_refresh_token: bool = False
    # The earliest estimated end of a linked account's 1-year consent, if known.
    consent_expires_at: dt.datetime | None = None


def journey_step(facts: JourneyFacts, *, now: dt.datetime) -> Step:
    if not facts.email_verified:
        return Step.VERIFY_EMAIL
    if not facts.identity_verified:
        return Step.VERIFY_IDENTITY
    if facts.is_member is None:
        return Step.CHECK_FAILED
    if not facts.is_member:
        return Step.JOIN_PORTAL
    if facts.linked_account_count is None:
        return Step.CHECK_FAILED
    if facts.linked_account_count == 0:
        # Also where a connected user lands when every consent lapsed: the fix is at the portal.
        return Step.LINK_ACCOUNTS
    status = connection_state(
        facts.connection_status,
        access_expires_at=facts.access_expires_at,
        has_refresh_token=facts.has_refresh_token,
        now=now,
    )
    if status in (None, "revoked"):
        return Step.CONNECT
    if status == "reconnect_needed":
        return Step.RECONNECT
    return Step.CONNECTED


def connection_state(
    status: str | None,
    *,
    access_expires_at: dt.datetime | None,
    has_refresh_token: bool,
    now: dt.datetime,
) -> str | None:
    """The connection's status as the person meets it: an active one whose access token expired
    with no refresh token to renew it is "reconnect_needed" already, before the daily sweep
    (`brokers.expiry`) marks it so. The journey and every account's standing read this."""
    if status != "active" or access_expires_at is None or access_expires_at > now:
        return status
    return status if has_refresh_token else "reconnect_needed"


def consent_alert(ends: dt.datetime | None, *, now: dt.datetime) -> Alert | None:
    """The warning a consent ending at `ends` calls for now, if any."""
    if ends is None or ends > now + WARN_BEFORE:
        return None
    return Alert.CONSENT_EXPIRED if ends <= now else Alert.CONSENT_EXPIRING


def access_alert(expires: dt.datetime | None, *, now: dt.datetime) -> Alert | None:
    """The warning an access token ending at `expires`, with no refresh token to renew it,
    calls for now, if any."""
    if expires is None or expires > now + WARN_BEFORE:
        return None
    return Alert.ACCESS_EXPIRED if expires <= now else Alert.ACCESS_EXPIRING


def alerts(facts: JourneyFacts, *, now: dt.datetime) -> list[Alert]:
    """Expiry warnings worth showing, most urgent first. The expiry e-mails
    (`brokers.expiry`) send the same ones, decided by the same two rules."""
    found = [consent_alert(facts.consent_expires_at, now=now)]
    if facts.connection_status == "active" and not facts.has_refresh_token:
        found.append(access_alert(facts.access_expires_at, now=now))
    return [alert for alert in found if alert is not None]
