"""The dashboard: overview (the signed-in home), holdings, transactions, watchlists, one
account, chart data, and the privacy toggle.

Every view reads through `for_user(request.user)` (in `portfolio.selectors`), so another
user's ids answer 404, and issues a fixed number of queries whatever the number of holdings or
days (tests/portfolio/test_query_counts.py). Pages read stored daily valuations; the only
arithmetic over history is the TWR chain over the range's rows, read in one query.

In privacy mode (`User.privacy_mode`) no amount is put into a page or a chart payload:
templates print amounts only through `{% amount %}`, which masks them, and chart endpoints
send indexed series and shares.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from defusedcsv import csv
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.ids import id_or_404
from accounts.models import User
from brokers.models import LinkedAccount
from portfolio import caching, charts
from portfolio.forms import HoldingFilterForm, TransactionFilterForm, type_label
from portfolio.models import Holding, HoldingPeriod, Transaction
from portfolio.returns import Period, period_start, time_weighted_return
from portfolio.selectors import (
    AccountRow,
    AccountState,
    account_rows_for_user,
    accounts_for_user,
    allocation_by_class_for_user,
    holdings_for_user,
    holdings_value_total,
    instrument_names,
    overview_figures,
    slices,
    top_holdings_for_user,
    total_performance_for_user,
    transactions_for_user,
    valuations_for_user,
    watch_groups_for_user,
)

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


def _period(request: AuthenticatedHttpRequest) -> Period:
    try:
        return Period(request.GET.get("range", "").upper())
    except ValueError:
        return DEFAULT_PERIOD


def _stack(request: AuthenticatedHttpRequest) -> str:
    stack = request.GET.get("stack", "")
    return stack if stack in charts.Stack.CHOICES else charts.Stack.ACCOUNT


def _as_of(rows: list[AccountRow]) -> datetime.date | None:
    """The last day any account was valued: ranges end there, not at today's date, so stale
    data is shown as what it is rather than padded to today."""
    dates = [row.latest.date for row in rows if row.latest is not None]
    return max(dates) if dates else None


def _labels(rows: list[AccountRow]) -> dict[int, tuple[str, str]]:
    return {
        row.account.pk: (charts.account_label(row.account), row.account.broker.korean_name)
        for row in rows
    }


def _account_filter_check(request: AuthenticatedHttpRequest, accounts: list[LinkedAccount]) -> None:
    """404 for an `account` filter that is not an id of one of the user's accounts: a filter
    naming someone else's account must not fall back to showing everything of one's own."""
    value = request.GET.get("account")
    if value and id_or_404(value) not in {account.pk for account in accounts}:
        raise Http404("not one of the user's accounts")


def _page_context(request: AuthenticatedHttpRequest, **context: Any) -> dict[str, Any]:
    """What every dashboard page has: the privacy flag and the ranges' links."""
    return {
        "privacy": request.user.privacy_mode,
        "periods": [(period.value, PERIOD_LABELS[period]) for period in Period],
        **context,
    }


def _data_part(
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


# --- overview -----------------------------------------------------------------------------


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
    period = _period(request)
    stack = _stack(request)
    rows = account_rows_for_user(user=user, now=timezone.now())
    context = _page_context(
        request,
        rows=rows,
        period=period.value,
        stack=stack,
        attention=_attention(rows),
        synced_any=any(row.snapshot is not None for row in rows),
    )
    as_of = _as_of(rows)
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


# --- chart data ---------------------------------------------------------------------------


def _networth(
    request: AuthenticatedHttpRequest,
    account_id: int | None = None,
    *,
    rows: list[AccountRow] | None = None,
) -> dict[str, Any]:
    """The stacked net-worth series of the user (or one of their accounts) over the range;
    404 when the account is not theirs. 1 query, and 2 more unless `rows` are given."""
    user = request.user
    period = _period(request)
    if rows is None:
        rows = account_rows_for_user(user=user, now=timezone.now(), account_id=account_id)
    if account_id is not None and not rows:
        raise Http404
    as_of = _as_of(rows)
    series = charts.Series(dates=[], parts=[], totals=[])
    if as_of is not None:
        start = period_start(period, as_of)
        accounts = valuations_for_user(
            user=user, start=start, end=as_of, account_id=account_id, flows=False
        )
        series = charts.stacked_series(
            accounts=accounts,
            labels=_labels(rows),
            stack=_stack(request),
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
        part=("chart", account_id, _period(request), _stack(request), user.privacy_mode),
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
    context = _page_context(
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


# --- holdings -----------------------------------------------------------------------------


def _with_shares(holdings: Iterable[Holding], total: Decimal | None) -> None:
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
    _account_filter_check(request, accounts)
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
        _with_shares(page.object_list, total)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        table_context = _page_context(
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

    context = _page_context(
        request, form=form, sort=sort, table=_data_part(request, accounts, "holdings", table)
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
    context = _page_context(request, holding=holding, periods=periods)
    return render(request, "portfolio/holding_detail.html", context)


# --- transactions -------------------------------------------------------------------------


def _transactions_selection(
    request: AuthenticatedHttpRequest, accounts: list[LinkedAccount] | None = None
) -> tuple[TransactionFilterForm, Any]:
    if accounts is None:
        accounts = accounts_for_user(user=request.user)
    _account_filter_check(request, accounts)
    form = TransactionFilterForm(request.GET or None, accounts=accounts)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "start": form.cleaned_data["start"],
            "end": form.cleaned_data["end"],
            "types": form.cleaned_data["type"],
            "account_id": form.account_id(),
        }
    elif form.is_bound:
        # An invalid filter shows nothing rather than everything: the user asked for less.
        return form, Transaction.objects.none()
    return form, transactions_for_user(user=request.user, **filters)


def _name_rows(rows: list[Transaction]) -> None:
    names = instrument_names(row.isin for row in rows)
    for row in rows:
        # Display attributes for the template, not columns.
        row.instrument_name = names.get(row.isin, "")  # type: ignore[attr-defined]
        row.type_label = type_label(row.type)  # type: ignore[attr-defined]


@login_required
@require_GET
def transactions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Transactions filtered by dates, types and account, paginated. Queries: session, user,
    accounts; on the first view after the data changed, count, page, instrument names (3
    more), whose rendered table is cached."""
    accounts = accounts_for_user(user=request.user)
    form, selection = _transactions_selection(request, accounts)

    def table() -> str:
        page = Paginator(selection, TRANSACTIONS_PER_PAGE).get_page(request.GET.get("page"))
        page_rows = list(page.object_list)
        _name_rows(page_rows)
        query = request.GET.copy()
        query.pop("page", None)
        table_context = _page_context(
            request, page=page, page_rows=page_rows, filter_query=query.urlencode()
        )
        return render_to_string(
            "portfolio/_transactions_table.html", table_context, request=request
        )

    query = request.GET.copy()
    query.pop("page", None)
    context = _page_context(
        request,
        form=form,
        filter_query=query.urlencode(),
        table=_data_part(request, accounts, "transactions", table),
    )
    return render(request, "portfolio/transactions.html", context)


def _plain(value: Decimal | None) -> str:
    """A number as a spreadsheet reads it: no separators, no exponent, no trailing zeros."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


@login_required
@require_GET
def transactions_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Exactly the filtered rows as CSV, UTF-8 with a BOM so that Excel in Korea reads the
    Korean text. In privacy mode the amount and quantity columns are left out.

    Names and codes come from the upstream and are shared by every holder of an instrument,
    and aliases from users: defusedcsv prefixes any text cell a spreadsheet would take for a
    formula (=, +, -, @, |, %) with a quote, and leaves numbers (-1500, 0.5) as numbers."""
    _form, selection = _transactions_selection(request)
    rows = list(selection)
    _name_rows(rows)
    privacy = request.user.privacy_mode
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="jasan-transactions-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = [_("Date"), _("Account"), _("Type"), _("Code"), _("Name")]
    if not privacy:
        header += [_("Cash change"), _("Quantity change"), _("Quantity after")]
    writer.writerow(header)
    for row in rows:
        line = [
            row.date.isoformat(),
            charts.account_label(row.account),
            row.type_label,
            row.isin,
            row.instrument_name,
        ]
        if not privacy:
            line += [
                _plain(row.change_amount),
                _plain(row.change_quantity),
                _plain(row.quantity_after),
            ]
        writer.writerow(line)
    return response


@login_required
@require_GET
def transaction_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One transaction. Queries: session, user, transaction, instrument name (4)."""
    row = get_object_or_404(
        Transaction.objects.for_user(request.user).select_related("account__broker"), pk=pk
    )
    _name_rows([row])
    return render(request, "portfolio/transaction_detail.html", _page_context(request, row=row))


# --- watchlists and one account -----------------------------------------------------------


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
    return render(request, "portfolio/watchlists.html", _page_context(request, groups=groups))


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
    period = _period(request)
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
        _with_shares(top, total)
        recent = list(transactions_for_user(user=user, account_id=pk)[:ACCOUNT_PAGE_ROWS])
        _name_rows(recent)
        tables_context = _page_context(
            request,
            row=row,
            account=row.account,
            holdings=top,
            holdings_total=total,
            recent=recent,
        )
        return render_to_string("portfolio/_account_tables.html", tables_context, request=request)

    context = _page_context(
        request,
        row=row,
        account=row.account,
        period=period.value,
        account_return=account_return,
        pl_rate=pl_rate,
        tables=_data_part(request, [row.account], ("account", pk), tables),
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


@login_required
def bare(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The base layout and nothing else, signed in: the benchmark's yardstick
    (`bench_dashboard`); routed only by `portfolio.bench_urls`."""
    return render(request, "portfolio/bare.html")
