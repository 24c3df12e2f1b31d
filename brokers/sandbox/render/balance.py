"""The balance service's answer: an account's holdings in amounts, page by page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from brokers.sandbox import paging
from brokers.sandbox.catalog import DOMESTIC_FUND
from brokers.sandbox.data import AccountSnapshot, EquityHolding, FundHolding, OtherHolding
from brokers.sandbox.render.envelope import (
    FAMILY_KEYS,
    NO_MATURITY,
    NULL_PAGE,
    asset_type_of,
    check_account,
    double,
    echo_count,
    echo_page,
    head,
    page_size,
    paged,
    resp_ok,
    section,
    yyyymmdd,
)


def _summary(snapshot: AccountSnapshot) -> dict[str, Any]:
    s = snapshot.summary
    return {
        "cashBalance": double(s.cash_balance),
        "d1": double(s.d1),
        "d2": double(s.d2),
        "substitute": double(s.substitute),
        # JSON null as in the seeds when there is none; an amount when there is one.
        "receivable": double(s.receivable) if s.receivable else None,
        "subsMargin": double(s.subs_margin),
        "loanCredit": double(s.loan_credit),
        "valAtTrade": double(s.val_at_trade),
        "valueAtCur": double(s.value_at_cur),
        "proLoss": double(s.pro_loss),
        "totalAccVal": double(s.total_acc_val),
        "cashAvWithdraw": double(s.cash_av_withdraw),
    }


def _balance_equity(h: EquityHolding) -> dict[str, Any]:
    return {
        "assetType": h.asset_type,
        "productType": h.product_type,
        "isinCode": h.isin,
        "productName": h.name,
        "qty": double(h.qty),
        "tradeType": h.trade_type,
        "valAtTrade": double(h.val_at_trade),
        "valAtCur": double(h.val_at_cur),
        "proLoss": double(h.pro_loss),
        "earningRate": double(h.earning_rate),
    }


def _balance_fund(h: FundHolding) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if h.fund_type == DOMESTIC_FUND:
        item["fundType"] = h.fund_type
    item.update(
        {
            "fundCode": h.fund_code,
            "fundName": h.fund_name,
            "valAtTrade": double(h.val_at_trade),
            "valAtCur": double(h.val_at_cur),
            "proLoss": double(h.pro_loss),
            "firstDateBuy": yyyymmdd(h.first_date_buy),
            "lastDateBuy": yyyymmdd(h.last_date_buy) if h.buy_count > 1 else NULL_PAGE,
            "maturity": yyyymmdd(h.maturity) if h.maturity else NO_MATURITY,
            "earningRate": double(h.earning_rate),
        }
    )
    return item


def _balance_other(h: OtherHolding) -> dict[str, Any]:
    return {
        "assetType": h.asset_type,
        "assetName": h.name,
        "qty": double(h.qty),
        "tradeType": h.trade_type,
        "valAtTrade": double(h.val_at_trade),
        "valueAtCur": double(h.val_at_cur),
        "earningRate": double(h.earning_rate),
    }


def balance(
    envelope: Mapping[str, Any],
    snapshot: AccountSnapshot,
    *,
    secret: bytes,
    allow_all: bool = True,
    default_count: int = 20,
    max_count: int = 100,
) -> dict[str, Any]:
    """The balance answer (계좌잔고) for one page of the requested asset type."""
    check_account(envelope, snapshot.vt_acc_no)
    query = section(section(envelope, "balanceRequestBody"), "queryType")
    asset_type = asset_type_of(query, allow_all)
    families: dict[str, list[Any]] = {
        "EQTY": list(snapshot.equities),
        "FUND": list(snapshot.funds),
        "ETC": list(snapshot.others),
    }
    render_item: dict[str, Callable[[Any], dict[str, Any]]] = {
        "EQTY": _balance_equity,
        "FUND": _balance_fund,
        "ETC": _balance_other,
    }
    block: dict[str, Any] = {"summary": _summary(snapshot)}
    next_key: str | None = None
    if asset_type == "ALL":
        total = shown = 0
        for family, holdings in families.items():
            if holdings:
                block[FAMILY_KEYS[family]] = [render_item[family](h) for h in holdings]
                total += len(holdings)
        shown = total
    elif asset_type == "CASH":
        total = shown = 0
    else:
        holdings = families[asset_type]
        size = page_size(query.get("count"), default_count, max_count)
        scope = paging.page_scope(
            snapshot.vt_acc_no, "balance", asset_type, yyyymmdd(snapshot.as_of)
        )
        chunk, next_key = paged(holdings, size, query.get("page"), secret, scope)
        block[FAMILY_KEYS[asset_type]] = [render_item[asset_type](h) for h in chunk]
        total, shown = len(holdings), len(chunk)
    return {
        **head(envelope, "balance", pad_consumer=True),
        "balanceResponseBody": {
            "queryType": {
                "assetType": query.get("assetType"),
                "count": echo_count(query.get("count")),
                "page": echo_page(query.get("page")),
            },
            "queryResult": {
                "totalCnt": double(Decimal(total)),
                "count": double(Decimal(shown)),
                "page": next_key or NULL_PAGE,
            },
        },
        "balanceList": {"balance": block},
        "resp": resp_ok(),
    }
