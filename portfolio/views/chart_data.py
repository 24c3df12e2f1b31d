"""Chart data: the net worth and one account's value series, as JSON and as accessible tables."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from portfolio import caching, charts
from portfolio.returns import period_start
from portfolio.selectors.accounts import AccountRow, account_rows_for_user
from portfolio.selectors.performance import valuations_for_user
from portfolio.views.common import (
    account_labels,
    page_context,
    requested_period,
    requested_stack,
    rows_as_of,
)


def _networth(
    request: AuthenticatedHttpRequest,
    account_id: int | None = None,
    *,
    rows: list[AccountRow] | None = None,
) -> dict[str, Any]:
    """The stacked net-worth series of the user (or one of their accounts) over the range;
    404 when the account is not theirs. 1 query, and 2 more unless `rows` are given."""
    user = request.user
    period = requested_period(request)
    if rows is None:
        rows = account_rows_for_user(user=user, now=timezone.now(), account_id=account_id)
    if account_id is not None and not rows:
        raise Http404
    as_of = rows_as_of(rows)
    series = charts.Series(dates=[], parts=[], totals=[])
    if as_of is not None:
        start = period_start(period, as_of)
        accounts = valuations_for_user(user=user, start=start, end=as_of, account_id=account_id)
        series = charts.stacked_series(
            accounts=accounts,
            labels=account_labels(rows),
            stack=requested_stack(request),
            dates=charts.chart_dates(accounts, start=start, end=as_of),
        )
    privacy = request.user.privacy_mode
    return {
        "period": period.value,
        "as_of": as_of,
        "series": series,
        "payload": charts.series_payload(series, privacy=privacy),
    }


@login_required
@require_GET
def chart_networth(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The net-worth chart's data: `?range=1Y&stack=account|broker`."""
    return _chart_payload(request, None)


@login_required
@require_GET
def chart_account(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """One account's value chart: `?range=1Y`. 404 for another user's account."""
    return _chart_payload(request, pk)


def _chart_payload(request: AuthenticatedHttpRequest, account_id: int | None) -> JsonResponse:
    """A chart's JSON, cached like the overview's body until the data changes."""
    user = request.user
    rows = account_rows_for_user(user=user, now=timezone.now(), account_id=account_id)
    if account_id is not None and not rows:
        raise Http404
    key = caching.part_key(
        user_id=user.pk,
        rows=rows,
        part=(
            "chart",
            account_id,
            requested_period(request),
            requested_stack(request),
            user.privacy_mode,
        ),
    )
    payload = caching.cached(key, lambda: _networth(request, account_id, rows=rows)["payload"])
    return JsonResponse(payload)


def _series_table(request: AuthenticatedHttpRequest, account_id: int | None) -> HttpResponse:
    data = _networth(request, account_id=account_id)
    series: charts.Series = data["series"]
    payload = data["payload"]
    cells = [
        list(zip(dataset["data"], dataset["carried"], strict=True))
        for dataset in payload["datasets"]
    ]
    rows = list(
        zip(
            series.dates,
            zip(*cells, strict=True) if cells else [() for _ in series.dates],
            payload["total"],
            strict=True,
        )
    )
    rows.reverse()  # newest first: the figure people look for
    context = page_context(
        request,
        rows=rows,
        headers=[label for label, _values in series.parts],
        unit=payload["unit"],
        period=data["period"],
        # Loaded into the page's <details> by htmx, or opened as a page of its own without JS.
        base_template=(
            "portfolio/_partial.html"
            if request.headers.get("HX-Request") == "true"
            else "portfolio/base_dashboard.html"
        ),
    )
    return render(request, "portfolio/series_table.html", context)


@login_required
@require_GET
def networth_table(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The net-worth chart's numbers as a table (loaded into the page, or a page of its own)."""
    return _series_table(request, None)


@login_required
@require_GET
def account_table(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account's value chart as a table."""
    return _series_table(request, pk)
