"""What support should tell the user, in words.

Which advice applies is decided with the rest of the user's standing
(`brokers.standing.connection.connection_standing`: earlier rules win, so there is no point
asking a user to reconnect while their consent at the portal has expired); this module only
says it as a sentence support can repeat on the phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from brokers.standing.connection import Advice, ConnectionStanding

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


@dataclass(frozen=True)
class SupportAdvice:
    """The advice `brokers.standing` decided, as the sentence support can repeat on the phone."""

    advice: Advice
    when: dt.datetime | None = None  # the date the sentence names, if it names one

    @property
    def text(self) -> str:
        if self.when is None:
            return str(TEXT[self.advice])
        day = date_format(timezone.localtime(self.when), "Y. n. j.")
        return str(TEXT[self.advice]) % {"date": day}


def support_advice(standing: ConnectionStanding) -> SupportAdvice:
    return SupportAdvice(standing.advice, standing.advice_date)
