"""What every dashboard page shares: the range and stack asked for, the page context, and the
cached parts of a page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from accounts.ids import id_or_404
from brokers.models import LinkedAccount
from portfolio import caching, charts
from portfolio.returns import Period
from portfolio.selectors.accounts import AccountRow

DEFAULT_PERIOD = Period.ONE_YEAR
PERIOD_LABELS = {
    Period.ONE_MONTH: gettext_lazy("1 month"),
    Period.THREE_MONTHS: gettext_lazy("3 months"),
    Period.SIX_MONTHS: gettext_lazy("6 months"),
    Period.YEAR_TO_DATE: gettext_lazy("This year"),
    Period.ONE_YEAR: gettext_lazy("1 year"),
    Period.ALL: gettext_lazy("All"),
}
HOLDINGS_PER_PAGE = 25
TRANSACTIONS_PER_PAGE = 25
ACCOUNT_PAGE_ROWS = 10
TOP_HOLDINGS = 10


def requested_period(request: AuthenticatedHttpRequest) -> Period:
    try:
        return Period(request.GET.get("range", "").upper())
    except ValueError:
        return DEFAULT_PERIOD


def requested_stack(request: AuthenticatedHttpRequest) -> str:
    stack = request.GET.get("stack", "")
    return stack if stack in charts.Stack.CHOICES else charts.Stack.ACCOUNT


def rows_as_of(rows: list[AccountRow]) -> datetime.date | None:
    """The last day any account was valued: ranges end there, not at today's date, so stale
    data is shown as what it is rather than padded to today."""
    dates = [row.latest.date for row in rows if row.latest is not None]
    return max(dates) if dates else None


def account_labels(rows: list[AccountRow]) -> dict[int, tuple[str, str]]:
    return {
        row.account.pk: (charts.account_label(row.account), row.account.broker.korean_name)
        for row in rows
    }


def account_filter_check(request: AuthenticatedHttpRequest, accounts: list[LinkedAccount]) -> None:
    """404 for an `account` filter that is not an id of one of the user's accounts: a filter
    naming someone else's account must not fall back to showing everything of one's own."""
    value = request.GET.get("account")
    if value and id_or_404(value) not in {account.pk for account in accounts}:
        raise Http404("not one of the user's accounts")


def page_context(request: AuthenticatedHttpRequest, **context: Any) -> dict[str, Any]:
    """What every dashboard page has: the privacy flag and the ranges' links."""
    return {
        "privacy": request.user.privacy_mode,
        "periods": [(period.value, PERIOD_LABELS[period]) for period in Period],
        **context,
    }


def data_part(
    request: AuthenticatedHttpRequest,
    accounts: list[LinkedAccount],
    name: object,
    build: Callable[[], str],
) -> str:
    """A page's rendered tables, built on the first view after a sync changed the data under
    them and reused until the next one (`portfolio.caching.tables_key`): keyed by the
    accounts' sync marks, the page and its query (filters, sort, page), privacy and
    language."""
    key = caching.tables_key(
        user_id=request.user.pk,
        accounts=accounts,
        part=(name, sorted(request.GET.lists()), request.user.privacy_mode, get_language()),
    )
    return mark_safe(caching.cached(key, build))  # noqa: S308 - rendered by us  # nosec B308, B703
