"""The holdings pages: the list with filters and sorting, and one holding with its history."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from portfolio.forms import HoldingFilterForm
from portfolio.models import Holding, HoldingPeriod
from portfolio.selectors.accounts import accounts_for_user
from portfolio.selectors.holdings import holdings_for_user, holdings_value_total
from portfolio.views.common import (
    HOLDINGS_PER_PAGE,
    account_filter_check,
    data_part,
    page_context,
)


def with_shares(holdings: Iterable[Holding], total: Decimal | None) -> None:
    """Set each holding's `share`: its current value over `total`, in percent."""
    for holding in holdings:
        # A display attribute for the template, not a column.
        holding.share = (  # type: ignore[attr-defined]
            holding.current_value * 100 / total
            if total and holding.current_value is not None
            else None
        )


@login_required
@require_GET
def holdings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Current holdings, filterable by account and class, sortable, paginated.
    Queries: session, user, accounts; on the first view after the data changed, value total,
    count, page (3 more), whose rendered table is cached."""
    user = request.user
    accounts = accounts_for_user(user=user)
    account_filter_check(request, accounts)
    form = HoldingFilterForm(request.GET or None, accounts=accounts)
    account_id = asset_class = None
    sort = "-value"
    if form.is_valid():
        account_id = form.account_id()
        asset_class = form.cleaned_data["asset_class"] or None
        sort = form.cleaned_data["sort"] or sort

    def table() -> str:
        selection = holdings_for_user(
            user=user, account_id=account_id, asset_class=asset_class, sort=sort
        )
        total = holdings_value_total(selection)
        page = Paginator(selection, HOLDINGS_PER_PAGE).get_page(request.GET.get("page"))
        with_shares(page.object_list, total)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        table_context = page_context(
            request,
            page=page,
            sort=sort,
            total=total,
            filter_query=query.urlencode(),
            has_ratio_only=any(
                getattr(account, "holdings_snapshot", None) is not None
                and account.holdings_snapshot.is_ratio_only
                for account in accounts
            ),
        )
        return render_to_string("portfolio/_holdings_table.html", table_context, request=request)

    context = page_context(
        request, form=form, sort=sort, table=data_part(request, accounts, "holdings", table)
    )
    return render(request, "portfolio/holdings.html", context)


@login_required
@require_GET
def holding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One holding and the history of its position. Queries: session, user, holding,
    periods (4)."""
    holding = get_object_or_404(
        Holding.objects.for_user(request.user).select_related("instrument", "account__broker"),
        pk=pk,
    )
    periods = HoldingPeriod.objects.filter(
        account_id=holding.account_id,
        instrument_id=holding.instrument_id,
        trade_type=holding.trade_type,
    ).order_by("-valid_from")
    context = page_context(request, holding=holding, periods=periods)
    return render(request, "portfolio/holding_detail.html", context)
