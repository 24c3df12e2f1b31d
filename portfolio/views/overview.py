"""The overview (the signed-in home), the privacy toggle, and the bare signed-in page the
benchmark measures against."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from brokers.standing.account import AccountState
from portfolio import caching, charts
from portfolio.returns import Period
from portfolio.selectors.accounts import AccountRow, account_rows_for_user
from portfolio.selectors.allocation import allocation_by_class_for_user, slices
from portfolio.selectors.holdings import top_holdings_for_user
from portfolio.selectors.performance import overview_figures, total_performance_for_user
from portfolio.views.common import (
    TOP_HOLDINGS,
    page_context,
    requested_period,
    requested_stack,
    rows_as_of,
)


def _attention(rows: list[AccountRow]) -> set[str]:
    """The states that need the user (or a wait), once each, for the banners on top: each
    state's name, "fix_link" when a link needs fixing, "old_data" when figures are old."""
    found = {row.state.value for row in rows if row.state is not AccountState.OK}
    if any(row.standing.needs_fixing for row in rows):
        found.add("fix_link")
    if any(row.standing.shows_old_data for row in rows):
        found.add("old_data")
    return found


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in home.

    Queries: session, user, accounts (with snapshot and connection status), latest
    valuations; then, on the first view after the data changed, the range's valuations,
    allocation by class and top holdings (3 more), whose rendered part is cached
    (`portfolio.caching`) until a sync changes the data.
    """
    user = request.user
    period = requested_period(request)
    stack = requested_stack(request)
    rows = account_rows_for_user(user=user, now=timezone.now())
    context = page_context(
        request,
        rows=rows,
        period=period.value,
        stack=stack,
        attention=_attention(rows),
        synced_any=any(row.snapshot is not None for row in rows),
    )
    as_of = rows_as_of(rows)
    if as_of is not None:
        key = caching.part_key(
            user_id=user.pk,
            rows=rows,
            part=("overview", period, stack, context["privacy"], get_language()),
        )
        body = caching.cached(key, lambda: _overview_body(request, context, rows, as_of))
        context.update(as_of=as_of, body=mark_safe(body))  # noqa: S308 - rendered by us  # nosec B308, B703
    return render(request, "portfolio/overview.html", context)


def _overview_body(
    request: AuthenticatedHttpRequest,
    context: dict[str, Any],
    rows: list[AccountRow],
    as_of: datetime.date,
) -> str:
    """The overview's figures, charts, allocations and top holdings, rendered. 3 queries."""
    user = request.user
    privacy = context["privacy"]
    latest = [row.latest for row in rows if row.latest is not None]
    performance = total_performance_for_user(
        user=user, period=Period(context["period"]), as_of=as_of, latest=latest
    )
    cash = sum((row.cash for row in latest if row.cash is not None), Decimal(0))
    by_class = allocation_by_class_for_user(user=user, cash=cash)
    by_account = slices(
        {
            str(row.account.pk): (charts.account_label(row.account), row.latest.total_value)
            for row in rows
            if row.latest is not None and row.latest.total_value is not None
        }
    )
    broker_totals: dict[str, tuple[str, Decimal]] = {}
    for row in rows:
        if row.latest is not None and row.latest.total_value is not None:
            name = row.account.broker.korean_name
            _label, earlier = broker_totals.get(name, (name, Decimal(0)))
            broker_totals[name] = (name, earlier + row.latest.total_value)
    by_broker = slices(broker_totals)
    body_context = {
        **context,
        "figures": overview_figures(performance=performance, latest=latest),
        "by_class": by_class,
        "by_account": by_account,
        "by_broker": by_broker,
        "donuts": {
            "class": charts.allocation_payload(by_class, privacy=privacy),
            "account": charts.allocation_payload(by_account, privacy=privacy),
            "broker": charts.allocation_payload(by_broker, privacy=privacy),
        },
        "top_holdings": top_holdings_for_user(user=user, limit=TOP_HOLDINGS),
        "has_ratio_only": any(row.is_ratio_only for row in rows),
    }
    return render_to_string("portfolio/_overview_body.html", body_context, request=request)


@login_required
@require_POST
def privacy_toggle(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch privacy mode for this user (remembered on the user, so on every device)."""
    user = request.user
    user.privacy_mode = not user.privacy_mode
    user.save(update_fields=["privacy_mode"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)


@login_required
def bare(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The base layout and nothing else, signed in: the benchmark's yardstick
    (`bench_dashboard`); routed only by `portfolio.bench_urls`."""
    return render(request, "portfolio/bare.html")
