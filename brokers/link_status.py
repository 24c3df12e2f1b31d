"""The link status page's data: what we know of the user at the platform, checked briefly cached.

Membership (`register/search`) and linked accounts (`consent/search`) are asked at most once per
`CHECK_TTL` unless the user presses "check again", comes back from the portal, or verifies
their identity again; the answers are kept in `PortalCheck`, so
support staff see the last result and its time too. Changes found on the way (accounts that
appeared or disappeared) go to the user's activity log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ActivityEvent, Identity, User
from accounts.selectors import identity_for_user, user_has_verified_email
from accounts.services import activity_record, client_ip
from brokers.clients import get_upstream
from brokers.errors import PlatformError
from brokers.models import Connection, LinkedAccount, PortalCheck
from brokers.models.accounts import day_end
from brokers.selectors import connection_for_user
from brokers.services import linked_accounts_record
from brokers.standing.account import AccountStanding
from brokers.standing.connection import ConnectionStanding, connection_standing
from brokers.standing.journey import Alert, JourneyFacts, Step
from brokers.standing.selectors import account_facts, with_last_failure_kind
from brokers.upstream import CallContext, Upstream

logger = logging.getLogger(__name__)

CHECK_TTL = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class AccountLine:
    """A linked account and its standing, as the link page's account table shows it."""

    account: LinkedAccount
    standing: AccountStanding


@dataclass(frozen=True)
class LinkStatus:
    """What the link page shows: where the person stands (`standing`, decided by
    `brokers.standing`) and the stored facts it names. `accounts`: the linked ones;
    `every_account`: unlinked ones too."""

    standing: ConnectionStanding
    identity: Identity | None
    check: PortalCheck | None
    connection: Connection | None
    accounts: list[LinkedAccount] = field(default_factory=list)
    every_account: list[LinkedAccount] = field(default_factory=list)
    unknown_broker_codes: tuple[str, ...] = ()

    @property
    def step(self) -> Step:
        return self.standing.step

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return self.standing.alerts

    @property
    def consent_expires_at(self) -> dt.datetime | None:
        return self.standing.consent_expires_at

    @property
    def lines(self) -> list[AccountLine]:
        return [AccountLine(a, self.standing.accounts[a.pk]) for a in self.accounts]


def _check_is_fresh(check: PortalCheck | None, identity: Identity | None, now: dt.datetime) -> bool:
    """A check answers for the identity it was asked with: one made before the user verified
    (again, perhaps with a corrected name) is out of date however recent."""
    return (
        check is not None
        and check.checked_at is not None
        and not check.last_error_kind
        and now - check.checked_at < CHECK_TTL
        and (identity is None or identity.verified_at <= check.checked_at)
    )


def portal_check_refresh(
    *,
    user: User,
    identity: Identity,
    request: HttpRequest | None = None,
    upstream: Upstream | None = None,
) -> PortalCheck:
    """Ask the platform whether the user is a member and which accounts they linked to us.

    An unanswered check is recorded as such (kind of error, time) and keeps the previous
    answers: a platform outage must not make linked accounts look unlinked.
    """
    upstream = upstream or get_upstream()
    context = CallContext(ip_address=client_ip(request))
    check, _ = PortalCheck.objects.get_or_create(user=user)
    now = timezone.now()
    try:
        membership = upstream.membership(identity, context=context)
        is_member = membership.is_member
        found = upstream.linked_accounts(identity, context=context) if is_member else ()
    except PlatformError as exc:
        logger.warning("portal check for user %s failed: %s", user.pk, exc.kind)
        check.last_error_kind = exc.kind
        check.last_error_at = now
        check.save(update_fields=["last_error_kind", "last_error_at"])
        return check
    with transaction.atomic():
        change = linked_accounts_record(user=user, found=found)
        check.is_member = is_member
        check.terms_expire_on = membership.terms_expire
        check.checked_at = now
        check.last_error_kind = ""
        check.last_error_at = None
        check.unknown_broker_codes = list(change.unknown_broker_codes)
        check.save()
        activity_record(
            user=user,
            kind=ActivityEvent.Kind.MEMBERSHIP_CHECKED,
            request=request,
            result="member" if is_member else "non-member",
        )
        if change.added:
            activity_record(
                user=user,
                kind=ActivityEvent.Kind.ACCOUNTS_APPEARED,
                request=request,
                accounts=", ".join(str(a) for a in change.added),
            )
        if change.unlinked:
            activity_record(
                user=user,
                kind=ActivityEvent.Kind.ACCOUNTS_DISAPPEARED,
                request=request,
                accounts=", ".join(str(a) for a in change.unlinked),
            )
    return check


def consent_end(accounts: list[LinkedAccount], check: PortalCheck | None) -> dt.datetime | None:
    """When the user's consent runs out: the earliest end among the linked accounts' (the
    platform's date, or the one-year estimate) and the platform-wide consent's
    (`commonTermsExpireDate`), which stops every account when it lapses."""
    ends = [account.consent_expires_estimate for account in accounts]
    if check is not None and check.terms_expire_on is not None:
        ends.append(day_end(check.terms_expire_on))
    return min(ends, default=None)


def link_status_for_user(
    user: User,
    *,
    request: HttpRequest | None = None,
    force_check: bool = False,
    may_check: bool = True,
    upstream: Upstream | None = None,
) -> LinkStatus:
    """Where the user stands and what to show them, checking the platform when due.

    With `may_check=False` only what is stored is read (the support console: looking at a
    user's status must not call the platform or add to their activity log).
    """
    now = timezone.now()
    identity = identity_for_user(user)
    check = PortalCheck.objects.filter(user=user).first()
    due = force_check or not _check_is_fresh(check, identity, now)
    if identity is not None and may_check and due:
        check = portal_check_refresh(
            user=user, identity=identity, request=request, upstream=upstream
        )
    connection = connection_for_user(user)
    every_account = list(
        with_last_failure_kind(LinkedAccount.objects.for_user(user).select_related("broker"))
    )
    accounts = [a for a in every_account if a.status == LinkedAccount.Status.LINKED]
    consent_expires_at = consent_end(accounts, check)
    answered = check is not None and check.checked_at is not None
    facts = JourneyFacts(
        email_verified=user_has_verified_email(user),
        identity_verified=identity is not None,
        is_member=check.is_member if check is not None and answered else None,
        linked_account_count=len(accounts) if answered else None,
        connection_status=connection.status if connection else None,
        access_expires_at=connection.access_expires_at if connection else None,
        has_refresh_token=bool(connection and connection.refresh_token),
        consent_expires_at=consent_expires_at,
    )
    standing = connection_standing(
        facts, {account.pk: account_facts(account) for account in every_account}, now=now
    )
    return LinkStatus(
        standing=standing,
        identity=identity,
        check=check,
        connection=connection,
        accounts=accounts,
        every_account=every_account,
        unknown_broker_codes=tuple(check.unknown_broker_codes) if check else (),
    )
