"""Dashboard pages over positions: holdings combined by instrument across accounts, and the
realized profit or loss (실현손익) of a year's sells. Both read through `for_user`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from portfolio import charts
from portfolio.positions import positions_by_instrument_for_user, realized_for_user
from portfolio.selectors import accounts_for_user, instrument_names
from portfolio.views import _page_context

# Years before this are not offered: the platform keeps about a year of transactions, and the
# demo and tests go back a few years at most.
FIRST_YEAR = 2000


@login_required
@require_GET
def holdings_by_instrument(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per instrument across all accounts: combined quantity, average cost, value, P/L
    and weight. Queries: session, user, grouped holdings, instruments (4)."""
    positions = positions_by_instrument_for_user(user=request.user)
    context = _page_context(request, positions=positions)
    return render(request, "portfolio/holdings_by_instrument.html", context)


def _year(request: AuthenticatedHttpRequest, this_year: int) -> int:
    """The year asked for (`?year=`): ASCII digits within range, else this year."""
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year:
        return int(raw)
    return this_year


@login_required
@require_GET
def realized_pl(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's sells with their average cost and realized P/L, and totals by month.
    Queries: session, user, trades, names, accounts (5)."""
    this_year = timezone.localdate().year
    year = _year(request, this_year)
    result = realized_for_user(user=request.user, year=year)
    names = instrument_names(item.isin for item in result.realizations)
    labels = {
        account.pk: charts.account_label(account)
        for account in accounts_for_user(user=request.user)
    }
    rows = [
        (item, names.get(item.isin, ""), labels.get(item.account_id, ""))
        for item in result.realizations
    ]
    context = _page_context(
        request,
        result=result,
        rows=rows,
        year=year,
        years=list(range(this_year, max(FIRST_YEAR, this_year - 4) - 1, -1)),
    )
    return render(request, "portfolio/realized.html", context)
