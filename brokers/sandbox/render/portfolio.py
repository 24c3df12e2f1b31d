"""The portfolio service's answer: an account's holdings as weights (or quantities)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from brokers.sandbox import data, paging
from brokers.sandbox.data import AccountSnapshot, EquityHolding, FundHolding, OtherHolding
from brokers.sandbox.render.envelope import (
    FAMILY_KEYS,
    NO_MATURITY,
    NULL_PAGE,
    RSP_TYPES,
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
from brokers.sandbox.render.errors import RequestError


def portfolio(
    envelope: Mapping[str, Any],
    snapshot: AccountSnapshot,
    *,
    secret: bytes,
    allow_all: bool = True,
    allow_qty: bool = True,
    default_count: int = 20,
    max_count: int = 100,
) -> dict[str, Any]:
    """The portfolio answer (자산 포트폴리오): ratios (``RAT``) or real quantities (``QTY``)."""
    check_account(envelope, snapshot.vt_acc_no)
    query = section(section(envelope, "portfolioRequestBody"), "queryType")
    asset_type = asset_type_of(query, allow_all)
    rsp_type = str(query.get("rspType") or "RAT").strip()
    if rsp_type not in RSP_TYPES or (rsp_type == "QTY" and not allow_qty):
        raise RequestError(6002, f"response type not supported: {rsp_type}")
    ratios = data.portfolio_ratios(snapshot)
    quantities = rsp_type == "QTY"

    def equity(w: data.Weighted) -> dict[str, Any]:
        h = cast(EquityHolding, w.holding)
        return {
            "assetType": h.asset_type,
            "isinCode": h.isin,
            "qty": double(h.qty if quantities else w.weight),
            "earningRate": double(h.earning_rate),
        }

    def fund(w: data.Weighted) -> dict[str, Any]:
        h = cast(FundHolding, w.holding)
        return {
            "fundCode": h.fund_code,
            "fundName": h.fund_name,
            "qty": double(h.units if quantities else w.weight),
            "earningRate": double(h.earning_rate),
            "maturity": yyyymmdd(h.maturity) if h.maturity else NO_MATURITY,
        }

    def other(w: data.Weighted) -> dict[str, Any]:
        h = cast(OtherHolding, w.holding)
        return {
            "assetType": h.asset_type,
            "assetName": h.name,
            "qty": double(h.qty if quantities else w.weight),
            "earningRate": double(h.earning_rate),
        }

    families = {
        "EQTY": (ratios.equities, equity),
        "FUND": (ratios.funds, fund),
        "ETC": (ratios.others, other),
    }
    cash = {"amt": double(snapshot.cash if quantities else ratios.cash_ratio)}
    block: dict[str, Any] = {}
    next_key: str | None = None
    if asset_type in ("ALL", "CASH"):
        block["cash"] = cash
        total = 0
        if asset_type == "ALL":
            for family, (weighted, render_item) in families.items():
                if weighted:
                    block[FAMILY_KEYS[family]] = [render_item(w) for w in weighted]
                    total += len(weighted)
        shown = total
    else:
        weighted, render_item = families[asset_type]
        size = page_size(query.get("count"), default_count, max_count)
        scope = paging.page_scope(
            snapshot.vt_acc_no, "portfolio", asset_type, rsp_type, yyyymmdd(snapshot.as_of)
        )
        chunk, next_key = paged(weighted, size, query.get("page"), secret, scope)
        block[FAMILY_KEYS[asset_type]] = [render_item(w) for w in chunk]
        total, shown = len(weighted), len(chunk)
    return {
        **head(envelope, "portfolio", pad_consumer=False),
        "portfolioResponseBody": {
            "queryType": {
                "assetType": query.get("assetType"),
                "rspType": "" if query.get("rspType") is None else query.get("rspType"),
                "count": echo_count(query.get("count")),
                "page": echo_page(query.get("page")),
            },
            "queryResult": {
                "totalCnt": double(Decimal(total)),
                "count": double(Decimal(shown)),
                "page": next_key or NULL_PAGE,
            },
        },
        "resp": resp_ok(),
        "portfolioList": {"portfolio": block},
    }
