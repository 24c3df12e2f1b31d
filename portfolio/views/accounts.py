"""The watchlists page and one account's page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from portfolio import caching
from portfolio.returns import Period, period_start, time_weighted_return
from portfolio.selectors.accounts import account_rows_for_user
from portfolio.selectors.holdings import holdings_for_user, holdings_value_total
from portfolio.selectors.instruments import instrument_names, watch_groups_for_user
from portfolio.selectors.performance import valuations_for_user
from portfolio.selectors.transactions import transactions_for_user
from portfolio.views.common import (
    ACCOUNT_PAGE_ROWS,
    data_part,
    page_context,
    requested_period,
)
from portfolio.views.holdings import with_shares
from portfolio.views.transactions import (
    name_rows,
)


@login_required
@require_GET
def watchlists(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's watchlist groups with their instruments' names where known.
    Queries: session, user, groups, names (4)."""
    groups = watch_groups_for_user(user=request.user)
    names = instrument_names(code for group in groups for code in group.isins)
    for group in groups:
        # A display attribute for the template, not a column.
        items = [(code, names.get(code, "")) for code in group.isins]
        group.items = items  # type: ignore[attr-defined]
    return render(request, "portfolio/watchlists.html", page_context(request, groups=groups))


@login_required
@require_GET
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account: its figures, value chart, holdings, transactions, link state and sync
    history. Queries: session, user, account, connection, latest valuation, range's
    valuations, holdings total, holdings, transactions, names (10)."""
    user = request.user
    rows = account_rows_for_user(user=user, now=timezone.now(), account_id=pk)
    if not rows:
        raise Http404
    row = rows[0]
    period = requested_period(request)
    account_return = pl_rate = None
    if row.latest is not None:
        as_of = row.latest.date
        key = caching.part_key(user_id=user.pk, rows=rows, part=("account-twr", pk, period))
        account_return = caching.cached(
            key,
            # A box, so that a return that cannot be measured (None) is cached too.
            lambda: [_account_return(user, pk, period, as_of)],
        )[0]
        if row.latest.profit_loss is not None and row.latest.purchase_value:
            pl_rate = row.latest.profit_loss / row.latest.purchase_value

    def tables() -> str:
        selection = holdings_for_user(user=user, account_id=pk, sort="-value")
        total = holdings_value_total(selection)
        top = list(selection[:ACCOUNT_PAGE_ROWS])
        with_shares(top, total)
        recent = list(transactions_for_user(user=user, account_id=pk)[:ACCOUNT_PAGE_ROWS])
        name_rows(recent)
        tables_context = page_context(
            request,
            row=row,
            account=row.account,
            holdings=top,
            holdings_total=total,
            recent=recent,
        )
        return render_to_string("portfolio/_account_tables.html", tables_context, request=request)

    context = page_context(
        request,
        row=row,
        account=row.account,
        period=period.value,
        account_return=account_return,
        pl_rate=pl_rate,
        tables=data_part(request, [row.account], ("account", pk), tables),
        runs=None,
    )
    return render(request, "portfolio/account_detail.html", context)


def _account_return(
    user: User, account_id: int, period: Period, as_of: datetime.date
) -> Decimal | None:
    """One account's TWR over the range. 1 query."""
    start = period_start(period, as_of)
    points = valuations_for_user(user=user, start=start, end=as_of, account_id=account_id).get(
        account_id, []
    )
    return time_weighted_return(points, start=start, end=as_of)
