"""Where a user stands in the link journey, and the one next step to show them.

A pure function of facts gathered elsewhere (`brokers.selectors.link_status_for_user`), so each
rule can be tested on its own. The order of the rules is the order of the journey in
docs/architecture.md ("The link journey"): e-mail, identity, portal membership, linked virtual
accounts, authorization, then syncing.
A broken link is "reconnected" (update mode), never deleted and re-added: the accounts and their
data stay while the user fixes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

WARN_BEFORE = dt.timedelta(days=7)
CONSENT_LIFETIME = dt.timedelta(days=365)


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


def next_step(facts: JourneyFacts, *, now: dt.datetime) -> Step:
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
    if facts.connection_status in (None, "revoked"):
        return Step.CONNECT
    if facts.connection_status == "reconnect_needed" or _access_lapsed(facts, now):
        return Step.RECONNECT
    return Step.CONNECTED


def _access_lapsed(facts: JourneyFacts, now: dt.datetime) -> bool:
    """An expired access token is a lapse only when no refresh token can renew it."""
    if facts.access_expires_at is None or facts.access_expires_at > now:
        return False
    return not facts.has_refresh_token


def alerts(facts: JourneyFacts, *, now: dt.datetime) -> list[Alert]:
    """Expiry warnings worth showing, most urgent first (the same ones the reminder e-mails use)."""
    found: list[Alert] = []
    if facts.consent_expires_at is not None:
        if facts.consent_expires_at <= now:
            found.append(Alert.CONSENT_EXPIRED)
        elif facts.consent_expires_at <= now + WARN_BEFORE:
            found.append(Alert.CONSENT_EXPIRING)
    if facts.connection_status == "active" and not facts.has_refresh_token:
        expires = facts.access_expires_at
        if expires is not None and expires <= now:
            found.append(Alert.ACCESS_EXPIRED)
        elif expires is not None and expires <= now + WARN_BEFORE:
            found.append(Alert.ACCESS_EXPIRING)
    return found
