"""What support should tell the user, in words: one piece of advice from what we know.

A pure function of the journey's step and alerts (`brokers.journey`), of whether a link ended
with its one-year consent, and of how the latest sync runs failed. The journey says where the
user stands; this adds what only support can see (failed runs, links that lapsed) and says it
as a sentence support can repeat on the phone. Earlier rules win: there is no point asking a
user to reconnect while their consent at the portal has expired, nor to renew a consent before
they have joined the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from brokers import errors
from brokers.journey import Alert, Step


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


TEXT = {
    Advice.VERIFY_EMAIL: _(
        "The user has not verified their e-mail address yet. Ask them to open the link in the "
        "sign-up e-mail, or to send it again from their e-mail settings."
    ),
    Advice.VERIFY_IDENTITY: _(
        "The user has not verified their identity. Ask them to verify it on the account link "
        "page: the platform finds their accounts by it."
    ),
    Advice.CHECK_FAILED: _(
        "The open platform did not answer our last check, so we do not know whether the user "
        "is a portal member. Press “Re-check membership and links now”; if it fails again, "
        "the platform is having trouble: ask the user to try again later."
    ),
    Advice.JOIN_PORTAL: _(
        "The user is not a member of the fintech portal. Ask them to sign up at the portal, "
        "then press “I've signed up — check again” on the account link page."
    ),
    Advice.LINK_ACCOUNTS: _(
        "No virtual account is linked to Jasan. Ask the user to issue virtual accounts at the "
        "portal and link them to Jasan, then check again on the account link page."
    ),
    Advice.CONSENT_EXPIRED: _(
        "The one-year consent has expired. Ask the user to link their accounts to Jasan again "
        "at the portal."
    ),
    Advice.CONNECT: _(
        "The user has not allowed Jasan to read their accounts yet. Ask them to press "
        "“Connect” on the account link page and approve at the portal."
    ),
    Advice.RECONNECT: _(
        "Jasan's access ended or was refused. Ask the user to press “Connect again” on the "
        "account link page; their accounts and history are kept."
    ),
    Advice.IDENTITY_MISMATCH: _(
        "The platform does not recognise the user's verified identity. Ask them to verify their "
        "identity again with the same name, birth date and phone as at the portal."
    ),
    Advice.ACCOUNT_GONE: _(
        "The platform no longer finds one of the accounts: it was unlinked at the portal or "
        "closed at the broker. Ask the user to check it at the portal and link it to Jasan again."
    ),
    Advice.CONSENT_EXPIRING: _(
        "The one-year consent ends around %(date)s. Ask the user to renew the link at the portal "
        "before then."
    ),
    Advice.ACCESS_EXPIRING: _(
        "Jasan's access ends on %(date)s and cannot be renewed by itself. Ask the user to "
        "connect again before then."
    ),
    Advice.WAIT_FOR_RETRY: _(
        "The last sync failed for a passing reason (the broker or the platform was busy or "
        "down). Nothing for the user to do: it is retried by itself, and meanwhile their data is "
        "shown as of the last good sync."
    ),
    Advice.REPORT_BUG: _(
        "The last sync failed on our side. Nothing for the user to do: report it to the "
        "developers with the user number and the time of the run."
    ),
    Advice.ALL_GOOD: _(
        "Everything is in order: the accounts sync every day after the market closes. If the "
        "user misses recent data, queue a sync below."
    ),
}

# Failure kinds a later attempt can overcome without anyone acting; "stale" is a run whose
# worker died or ran out of time, which the next run simply repeats.
_PASSING = frozenset({errors.TRANSIENT, errors.RATE_LIMITED, errors.INVALID_PAGE, "stale"})


@dataclass(frozen=True)
class NextStep:
    advice: Advice
    when: dt.datetime | None = None  # the date the sentence names, if it names one

    @property
    def text(self) -> str:
        if self.when is None:
            return str(TEXT[self.advice])
        day = date_format(timezone.localtime(self.when), "Y. n. j.")
        return str(TEXT[self.advice]) % {"date": day}


# Steps that come before anything a consent or a sync could tell.
_FIRST_STEPS = {
    Step.VERIFY_EMAIL: Advice.VERIFY_EMAIL,
    Step.VERIFY_IDENTITY: Advice.VERIFY_IDENTITY,
    Step.JOIN_PORTAL: Advice.JOIN_PORTAL,
}


def next_step(
    *,
    step: Step,
    alerts: Iterable[Alert],
    consent_lapsed: bool = False,
    failure_kinds: Iterable[str] = (),
    consent_expires_at: dt.datetime | None = None,
    access_expires_at: dt.datetime | None = None,
) -> NextStep:
    """The one thing to tell the user.

    `consent_lapsed`: a link the platform no longer lists had passed its estimated one-year
    consent, so the consent ran out rather than the user unlinking it. `failure_kinds`: the
    failure kinds (`brokers.errors`) of the latest run of each linked account that failed.
    """
    alerts = set(alerts)
    kinds = set(failure_kinds)
    if step in _FIRST_STEPS:
        return NextStep(_FIRST_STEPS[step])
    # The platform refusing a sync for want of consent settles it, even when our last
    # membership check went unanswered.
    lapsed = consent_lapsed and step == Step.LINK_ACCOUNTS
    if lapsed or Alert.CONSENT_EXPIRED in alerts or errors.CONSENT_REQUIRED in kinds:
        return NextStep(Advice.CONSENT_EXPIRED)
    if step == Step.CHECK_FAILED:
        return NextStep(Advice.CHECK_FAILED)
    if step == Step.LINK_ACCOUNTS:
        return NextStep(Advice.LINK_ACCOUNTS)
    if step == Step.CONNECT:
        return NextStep(Advice.CONNECT)
    if step == Step.RECONNECT or errors.REAUTH_REQUIRED in kinds:
        return NextStep(Advice.RECONNECT)
    if errors.IDENTITY_MISMATCH in kinds:
        return NextStep(Advice.IDENTITY_MISMATCH)
    if errors.ACCOUNT_GONE in kinds:
        return NextStep(Advice.ACCOUNT_GONE)
    if Alert.CONSENT_EXPIRING in alerts:
        return NextStep(Advice.CONSENT_EXPIRING, consent_expires_at)
    if Alert.ACCESS_EXPIRED in alerts:
        return NextStep(Advice.RECONNECT)
    if Alert.ACCESS_EXPIRING in alerts:
        return NextStep(Advice.ACCESS_EXPIRING, access_expires_at)
    if kinds - _PASSING:
        return NextStep(Advice.REPORT_BUG)
    if kinds:
        return NextStep(Advice.WAIT_FOR_RETRY)
    return NextStep(Advice.ALL_GOOD)
