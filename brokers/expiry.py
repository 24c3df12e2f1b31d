"""The daily expiry sweep: renew what can be renewed, warn before the rest lapses.

An access token lives 30 days and a portal consent one year. Where a refresh token exists the
sweep renews the access token silently once it is within a week of expiry. Otherwise it e-mails
the user a week before and when it lapses (once each, recorded in `ExpiryNotice`), and an access
that has lapsed turns the connection to "reconnect needed" so the link page shows the fix.

Which warning is due is decided by the rules that give the link page and the support console
their alerts (`brokers.standing.journey`): a notice's kind is that alert, and the e-mail names
the action `brokers.standing.connection.ALERT_ACTIONS` gives it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import ActivityEvent, User
from accounts.services import activity_record
from brokers.errors import REAUTH_REQUIRED, PlatformError
from brokers.models import Connection, ExpiryNotice, LinkedAccount, PortalCheck
from brokers.models.accounts import day_end
from brokers.services import connection_reconnect_needed_mark, connection_refresh
from brokers.standing.connection import ALERT_ACTIONS
from brokers.standing.journey import WARN_BEFORE, Alert, access_alert, consent_alert
from brokers.terms import CONSENT_LIFETIME
from brokers.upstream import Upstream

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    refreshed: int = 0
    refresh_failed: int = 0
    marked_reconnect: int = 0
    mails: list[tuple[int, str]] = field(default_factory=list)  # (user id, notice kind)


def _notify(user: User, alert: Alert, due: dt.datetime, report: SweepReport) -> None:
    """Send one expiry e-mail unless this warning was already sent for this due date."""
    kind = ExpiryNotice.Kind(alert.value)
    due_on = timezone.localdate(due)
    try:
        with transaction.atomic():
            ExpiryNotice.objects.create(user=user, kind=kind, due_on=due_on)
    except IntegrityError:
        return
    context = {
        "user": user,
        "kind": kind,
        "action": ALERT_ACTIONS[alert],
        "due": due,
        "link_url": settings.JASAN_SITE_URL.rstrip("/") + "/link/",
        "portal_url": settings.OPENPLATFORM_PORTAL_URL,
    }
    # Sent outside any request, so allauth's adapter (which needs one) is bypassed; the mail
    # still goes through the same backend, sender and subject prefix as allauth's own.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("brokers/email/expiry_subject.txt", context).strip()
        body = render_to_string("brokers/email/expiry_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
    activity_kind = (
        ActivityEvent.Kind.CONSENT_EXPIRED
        if kind.endswith("expired")
        else ActivityEvent.Kind.CONSENT_EXPIRING
    )
    activity_record(user=user, kind=activity_kind, notice=kind, due=due_on.isoformat())
    report.mails.append((user.pk, kind))


def _sweep_access(
    connection: Connection, *, now: dt.datetime, upstream: Upstream | None, report: SweepReport
) -> None:
    expires = connection.access_expires_at
    alert = access_alert(expires, now=now)
    if expires is None or alert is None:
        return
    user = connection.user
    if connection.refresh_token:
        try:
            connection_refresh(
                connection_id=connection.pk,
                stale_access_token=connection.access_token,
                upstream=upstream,
            )
        except PlatformError as exc:
            report.refresh_failed += 1
            activity_record(user=user, kind=ActivityEvent.Kind.REFRESH_FAILED, error=exc.kind)
            if exc.kind == REAUTH_REQUIRED:
                _notify(user, Alert.ACCESS_EXPIRED, expires, report)
            return
        report.refreshed += 1
        activity_record(user=user, kind=ActivityEvent.Kind.REFRESHED)
        return
    if alert is Alert.ACCESS_EXPIRED:
        connection_reconnect_needed_mark(connection=connection, now=now)
        report.marked_reconnect += 1
    _notify(user, alert, expires, report)


def connections_expiry_sweep(
    *, now: dt.datetime | None = None, upstream: Upstream | None = None
) -> SweepReport:
    """Renew or warn about every connection and consent nearing its end. Idempotent."""
    now = now or timezone.now()
    report = SweepReport()
    connections = Connection.objects.filter(status=Connection.Status.ACTIVE).select_related("user")
    for connection in connections:
        _sweep_access(connection, now=now, upstream=upstream, report=report)

    # Consents: the platform's own dates where its answers gave them (each account's
    # serviceTermsExpireDate, the platform-wide commonTermsExpireDate), else the one-year
    # estimate from the first sight of each linked account (the link page shows the same).
    horizon = now + WARN_BEFORE
    due: dict[int, dt.datetime] = {}

    def earliest(user_id: int, end: dt.datetime) -> None:
        if end <= horizon and (user_id not in due or end < due[user_id]):
            due[user_id] = end

    linked = LinkedAccount.objects.filter(status=LinkedAccount.Status.LINKED)
    for user_id, end_day in linked.filter(
        consent_expires_on__lte=timezone.localdate(horizon)
    ).values_list("user", "consent_expires_on"):
        if end_day is not None:  # excluded by the filter; said again for the type checker
            earliest(user_id, day_end(end_day))
    for row in (
        linked.filter(consent_expires_on__isnull=True)
        .values("user")
        .annotate(first=Min("created_at"))
        .filter(first__lte=horizon - CONSENT_LIFETIME)
    ):
        earliest(row["user"], row["first"] + CONSENT_LIFETIME)
    for user_id, end_day in PortalCheck.objects.filter(
        user__linked_accounts__status=LinkedAccount.Status.LINKED,
        terms_expire_on__lte=timezone.localdate(horizon),
    ).values_list("user", "terms_expire_on"):
        if end_day is not None:  # excluded by the filter; said again for the type checker
            earliest(user_id, day_end(end_day))
    users = User.objects.in_bulk(list(due))
    for user_id, end in due.items():
        alert = consent_alert(end, now=now)
        if alert is not None:  # every end gathered is within the horizon
            _notify(users[user_id], alert, end, report)
    logger.info(
        "expiry sweep: refreshed=%s failed=%s reconnect=%s mails=%s",
        report.refreshed,
        report.refresh_failed,
        report.marked_reconnect,
        len(report.mails),
    )
    return report
