"""The transactions pages: the list with filters, its CSV export, and one transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from defusedcsv import csv
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from brokers.models import LinkedAccount
from portfolio import charts
from portfolio.forms import TransactionFilterForm, type_label
from portfolio.models import Transaction
from portfolio.selectors.accounts import accounts_for_user
from portfolio.selectors.instruments import instrument_names
from portfolio.selectors.transactions import transactions_for_user
from portfolio.views.common import (
    TRANSACTIONS_PER_PAGE,
    account_filter_check,
    data_part,
    page_context,
)


def _transactions_selection(
    request: AuthenticatedHttpRequest, accounts: list[LinkedAccount] | None = None
) -> tuple[TransactionFilterForm, Any]:
    if accounts is None:
        accounts = accounts_for_user(user=request.user)
    account_filter_check(request, accounts)
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


def name_rows(rows: list[Transaction]) -> None:
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
        name_rows(page_rows)
        query = request.GET.copy()
        query.pop("page", None)
        table_context = page_context(
            request, page=page, page_rows=page_rows, filter_query=query.urlencode()
        )
        return render_to_string(
            "portfolio/_transactions_table.html", table_context, request=request
        )

    query = request.GET.copy()
    query.pop("page", None)
    context = page_context(
        request,
        form=form,
        filter_query=query.urlencode(),
        table=data_part(request, accounts, "transactions", table),
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
    name_rows(rows)
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
    name_rows([row])
    return render(request, "portfolio/transaction_detail.html", page_context(request, row=row))
