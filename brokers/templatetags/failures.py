"""`{% load failures %}`: a failure kind (a platform error kind of `brokers.errors`, or one of the
sync runs' own of `brokers.run_kinds`) as words a person reads, not its code ("transient")."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brokers import errors
from brokers import run_kinds as runs

register = template.Library()

LABELS: dict[str, Promise] = {
    errors.REAUTH_REQUIRED: _("access must be granted again"),
    errors.CONSENT_REQUIRED: _("consent needed at the portal"),
    errors.ACCOUNT_GONE: _("account no longer at the broker"),
    errors.IDENTITY_MISMATCH: _("the portal does not recognise the person"),
    errors.RATE_LIMITED: _("the platform asked us to wait"),
    errors.TRANSIENT: _("the platform or the broker did not answer"),
    errors.BUG: _("an answer we could not read"),
    errors.UNSUPPORTED: _("not offered by the broker"),
    errors.INVALID_PAGE: _("a page of the answer was refused"),
    errors.TOO_MANY_RESULTS: _("too many results for one query"),
    errors.RANGE_EXCEEDED: _("a date range the broker does not allow"),
    runs.ALREADY_RUNNING: _("another sync was running"),
    runs.BUDGET: _("the day's call budget was used up"),
    runs.NOT_CONNECTED: _("not connected"),
    runs.UNLINKED: _("no longer linked at the portal"),
    runs.SUPERSEDED: _("already done by another run"),
    runs.STALE: _("did not finish in time"),
    runs.TIMEOUT: _("ran out of time"),
    runs.INTERNAL: _("an error on our side"),
}


@register.filter
def failure_label(kind: str | None) -> str:
    """The words for `kind`; an unknown kind is shown as it is, an empty one as "—"."""
    if not kind:
        return "—"
    return str(LABELS.get(kind, kind))
