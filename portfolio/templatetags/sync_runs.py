"""Template tags of the sync (`{% load sync %}`)."""

from __future__ import annotations

from django import template

from brokers.models import LinkedAccount, SyncRun

register = template.Library()

HISTORY_ROWS = 10


@register.simple_tag
def recent_sync_runs(account: LinkedAccount | None) -> list[SyncRun]:
    """The account's latest sync runs, newest first. The account must be one the page already
    scoped to its user. 1 query."""
    if account is None:
        return []
    return list(SyncRun.objects.filter(account=account).order_by("-id")[:HISTORY_ROWS])
