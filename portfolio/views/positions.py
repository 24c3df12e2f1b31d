"""Dashboard pages over positions: holdings combined by instrument across accounts, and the
realized profit or loss (실현손익) of a year's sells. Both read through `for_user`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.ids import parse_id
from portfolio import charts
from portfolio.positions import positions_by_instrument_for_user, realized_for_user
from portfolio.selectors.accounts import accounts_for_user
from portfolio.selectors.instruments import instrument_names
from portfolio.views.common import data_part, page_context

# Years before this are not offered: the platform keeps about a year of transactions, and the
# demo and tests go back a few years at most.
FIRST_YEAR = 2000
POSITIONS_PER_PAGE = 25


@login_required
@require_GET
def holdings_by_instrument(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per instrument across all accounts: combined quantity, average cost, value, P/L
    and weight, paginated. Queries: session, user, accounts; on the first view after the data
    changed, grouped holdings and instruments (2 more), whose rendered table is cached."""
    accounts = accounts_for_user(user=request.user)

    def table() -> str:
        positions = positions_by_instrument_for_user(user=request.user)
        page = Paginator(positions, POSITIONS_PER_PAGE).get_page(request.GET.get("page"))
        table_context = page_context(request, page=page)
        return render_to_string(
            "portfolio/_by_instrument_table.html", table_context, request=request
        )

    context = page_context(request, table=data_part(request, accounts, "by-instrument", table))
    return render(request, "portfolio/holdings_by_instrument.html", context)


def _year(request: AuthenticatedHttpRequest, this_year: int) -> int:
    """The year asked for (`?year=`): ASCII digits within range, else this year."""
    year = parse_id(request.GET.get("year"))
    if year is not None and FIRST_YEAR <= year <= this_year:
        return year
    return this_year


@login_required
@require_GET
def realized_pl(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's sells with their average cost and realized P/L, and totals by month.
    Queries: session, user, accounts; on the first view after the data changed, trades and
    names (2 more), whose rendered part is cached."""
    this_year = timezone.localdate().year
    year = _year(request, this_year)
    accounts = accounts_for_user(user=request.user)

    def body() -> str:
        result = realized_for_user(user=request.user, year=year)
        names = instrument_names(item.isin for item in result.realizations)
        labels = {account.pk: charts.account_label(account) for account in accounts}
        rows = [
            (item, names.get(item.isin, ""), labels.get(item.account_id, ""))
            for item in result.realizations
        ]
        body_context = page_context(request, result=result, rows=rows, year=year)
        return render_to_string("portfolio/_realized_body.html", body_context, request=request)

    context = page_context(
        request,
        year=year,
        years=list(range(this_year, max(FIRST_YEAR, this_year - 4) - 1, -1)),
        body=data_part(request, accounts, ("realized", year), body),
    )
    return render(request, "portfolio/realized.html", context)
