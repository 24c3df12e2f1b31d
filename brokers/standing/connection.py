"""Where a person's link stands as a whole, and the one thing they (or support for them) do next.

`connection_standing` is the one place that combines the link journey's step and expiry alerts
(`brokers.standing.journey`) with each account's standing (`brokers.standing.account`) into a
`ConnectionStanding`: the link page renders its step, alerts and per-account standings; the
support console renders the same value and its `advice`, in words for staff; the expiry e-mails
are sent for the same alerts. No page recomputes what wins over what.

The advice, first match wins: a step before anything a consent or a sync could tell (e-mail,
identity, portal membership) ─► the consent ran out (an alert, a link that lapsed with its
one-year consent, or an account the platform refused for it) ─► the platform did not answer ─►
no linked account ─► never connected ─► reconnect (the journey's step, or an account whose last
sync was refused for it) ─► identity not recognised ─► an account gone ─► consent expiring ─►
access expired or expiring ─► a failed sync on our side ─► a passing failure ─► all good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from brokers import errors
from brokers.models import Connection, LinkedAccount
from brokers.standing.account import AccountStanding, NextAction, account_standing
from brokers.standing.journey import (
    Alert,
    JourneyFacts,
    Step,
    alerts,
    connection_state,
    journey_step,
)


class Advice(StrEnum):
    VERIFY_EMAIL = "verify_email"
    VERIFY_IDENTITY = "verify_identity"
    CHECK_FAILED = "check_failed"
    JOIN_PORTAL = "join_portal"
    LINK_ACCOUNTS = "link_accounts"
    CONSENT_EXPIRED = "consent_expired"
    CONNECT = "connect"
    RECONNECT = "reconnect"
    IDENTITY_MISMATCH = "identity_mismatch"
    ACCOUNT_GONE = "account_gone"
    CONSENT_EXPIRING = "consent_expiring"
    ACCESS_EXPIRING = "access_expiring"
    WAIT_FOR_RETRY = "wait_for_retry"
    REPORT_BUG = "report_bug"
    ALL_GOOD = "all_good"


# What the person does about each alert: a consent is renewed at the portal, an access is
# renewed by connecting again on the link page.
ALERT_ACTIONS: dict[Alert, NextAction] = {
    Alert.CONSENT_EXPIRED: NextAction.RENEW_CONSENT,
    Alert.CONSENT_EXPIRING: NextAction.RENEW_CONSENT,
    Alert.ACCESS_EXPIRED: NextAction.RECONNECT,
    Alert.ACCESS_EXPIRING: NextAction.RECONNECT,
}


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What is stored about one account that its standing depends on (besides the connection,
    which is the user's). `consent_expires_at`: its consent's end, the platform's date or the
    one-year estimate."""

    status: str
    sync_problem: str
    synced_at: dt.datetime | None
    has_data: bool
    last_failure_kind: str = ""
    consent_expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class ConnectionStanding:
    """The journey's step, the expiry alerts, each account's standing by account id (every
    account the user ever linked, unlinked ones included) and the one piece of advice."""

    step: Step
    alerts: tuple[Alert, ...]
    advice: Advice
    accounts: Mapping[int, AccountStanding] = field(default_factory=dict)
    consent_expires_at: dt.datetime | None = None
    access_expires_at: dt.datetime | None = None
    # A grant exists that disconnecting would revoke (active, or lapsed but not revoked).
    can_disconnect: bool = False

    @property
    def advice_date(self) -> dt.datetime | None:
        """The date the advice names, if it names one."""
        if self.advice is Advice.CONSENT_EXPIRING:
            return self.consent_expires_at
        if self.advice is Advice.ACCESS_EXPIRING:
            return self.access_expires_at
        return None

    @property
    def needs_fixing(self) -> bool:
        """Connected, yet a linked account needs the person to act: the page must not read as
        if all were well."""
        return any(standing.needs_fixing for standing in self.accounts.values())


# Failure kinds a later attempt can overcome without anyone acting; "stale" is a run whose
# worker died or ran out of time, which the next run simply repeats.
_PASSING = frozenset({errors.TRANSIENT, errors.RATE_LIMITED, errors.INVALID_PAGE, "stale"})

# The advice each step calls for.
_STEPS = {
    Step.VERIFY_EMAIL: Advice.VERIFY_EMAIL,
    Step.VERIFY_IDENTITY: Advice.VERIFY_IDENTITY,
    Step.JOIN_PORTAL: Advice.JOIN_PORTAL,
    Step.CHECK_FAILED: Advice.CHECK_FAILED,
    Step.LINK_ACCOUNTS: Advice.LINK_ACCOUNTS,
    Step.CONNECT: Advice.CONNECT,
    Step.RECONNECT: Advice.RECONNECT,
}
# Steps that come before anything a consent or a sync could tell.
_FIRST_STEPS = frozenset({Step.VERIFY_EMAIL, Step.VERIFY_IDENTITY, Step.JOIN_PORTAL})
# Once connected, in this order: what an account's refusal (a failure kind of `brokers.errors`)
# or an expiry alert asks for.
_LATER: tuple[tuple[str, Advice], ...] = (
    (errors.REAUTH_REQUIRED, Advice.RECONNECT),
    (errors.IDENTITY_MISMATCH, Advice.IDENTITY_MISMATCH),
    (errors.ACCOUNT_GONE, Advice.ACCOUNT_GONE),
    (Alert.CONSENT_EXPIRING, Advice.CONSENT_EXPIRING),
    (Alert.ACCESS_EXPIRED, Advice.RECONNECT),
    (Alert.ACCESS_EXPIRING, Advice.ACCESS_EXPIRING),
)


def _advice(step: Step, found: tuple[Alert, ...], consent_lapsed: bool, kinds: set[str]) -> Advice:
    """See the module docstring. `kinds`: what keeps each linked account from syncing, as the
    failure kinds (`brokers.errors`) its standing carries."""
    if step in _FIRST_STEPS:
        return _STEPS[step]
    # The platform refusing a sync for want of consent settles it, even when our last
    # membership check went unanswered.
    lapsed = consent_lapsed and step == Step.LINK_ACCOUNTS
    if lapsed or Alert.CONSENT_EXPIRED in found or errors.CONSENT_REQUIRED in kinds:
        return Advice.CONSENT_EXPIRED
    if step in _STEPS:
        return _STEPS[step]
    signals = kinds | set(found)
    for signal, advice in _LATER:
        if signal in signals:
            return advice
    if kinds - _PASSING:
        return Advice.REPORT_BUG
    return Advice.WAIT_FOR_RETRY if kinds else Advice.ALL_GOOD


def standing_of_account(
    facts: AccountFacts, *, connection_status: str | None, now: dt.datetime
) -> AccountStanding:
    """One account's standing under its user's connection (its `connection_state`)."""
    return account_standing(
        account_status=facts.status,
        sync_problem=facts.sync_problem,
        connection_status=connection_status,
        synced_at=facts.synced_at,
        has_data=facts.has_data,
        last_failure_kind=facts.last_failure_kind,
        now=now,
    )


def connection_standing(
    journey: JourneyFacts, accounts: Mapping[int, AccountFacts], *, now: dt.datetime
) -> ConnectionStanding:
    """Where the person stands: the journey's step and alerts, each account's standing under
    the person's connection, and the one piece of advice. `accounts`: every account of the
    user by id, unlinked ones included."""
    status = connection_state(
        journey.connection_status,
        access_expires_at=journey.access_expires_at,
        has_refresh_token=journey.has_refresh_token,
        now=now,
    )
    standings = {
        account_id: standing_of_account(facts, connection_status=status, now=now)
        for account_id, facts in accounts.items()
    }
    linked = [
        account_id
        for account_id, facts in accounts.items()
        if facts.status == LinkedAccount.Status.LINKED
    ]
    # A link the platform no longer lists had passed its one-year consent: it ran out rather
    # than being unlinked by the person.
    consent_lapsed = any(
        facts.consent_expires_at is not None and facts.consent_expires_at <= now
        for account_id, facts in accounts.items()
        if account_id not in linked
    )
    kinds = {standings[i].failure_kind for i in linked if standings[i].failure_kind}
    step = journey_step(journey, now=now)
    found = tuple(alerts(journey, now=now))
    return ConnectionStanding(
        step=step,
        alerts=found,
        advice=_advice(step, found, consent_lapsed, kinds),
        accounts=standings,
        consent_expires_at=journey.consent_expires_at,
        access_expires_at=journey.access_expires_at,
        can_disconnect=journey.connection_status not in (None, Connection.Status.REVOKED),
    )
