"""The transaction service: the query read and checked, and its answer page by page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from brokers.sandbox import data, paging
from brokers.sandbox.data import Txn
from brokers.sandbox.render.envelope import (
    NULL_PAGE,
    SIDES,
    head,
    page_size,
    paged,
    resp_ok,
    section,
    vt_acc_no_of,
    yyyymmdd,
)
from brokers.sandbox.render.errors import RequestError, malformed

_CODE_RE = re.compile(r"^[A-Z0-9]{1,20}$")
_DATE_RE = re.compile(r"^\d{8}$")


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    from_date: date
    to_date: date
    isin_code: str  # "" = every code
    side: str  # "" = every type, ETC included
    raw: Mapping[str, Any]  # the request's queryParams, echoed as sent


def _params(envelope: Mapping[str, Any]) -> Mapping[str, Any]:
    body = section(envelope, "transactionHistoryRequestBody")
    # The documentation spells the section "queryPrams"; accept both spellings.
    for name in ("queryParams", "queryPrams"):
        value = body.get(name)
        if isinstance(value, Mapping):
            return value
    raise malformed("malformed request: queryParams is missing")


def _parse_day(value: Any, name: str) -> date:
    text = str(value or "").strip()
    if not _DATE_RE.match(text):
        raise malformed(f"malformed request: {name} must be YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise malformed(f"malformed request: {name} is not a date") from exc


def parse_transaction_query(
    envelope: Mapping[str, Any], *, max_days: int | None = None
) -> TransactionQuery:
    """The dates and filters of a transaction request, validated as the platform would."""
    params = _params(envelope)
    from_date = _parse_day(params.get("fromDate"), "fromDate")
    to_date = _parse_day(params.get("toDate"), "toDate")
    if to_date < from_date:
        raise malformed("malformed request: toDate is before fromDate")
    if max_days is not None and (to_date - from_date).days + 1 > max_days:
        raise RequestError(6006, f"date range exceeded (max {max_days} days)")
    isin_code = str(params.get("isinCode") or "").strip()
    if isin_code and not _CODE_RE.match(isin_code):
        raise RequestError(6007, f"invalid ISIN: {isin_code}")
    side = str(params.get("side") or "").strip()
    if side == "ALL":
        side = ""
    if side and side not in SIDES:
        raise RequestError(6008, f"invalid side: {side}")
    return TransactionQuery(from_date, to_date, isin_code, side, params)


def _matches(txn: Txn, query: TransactionQuery) -> bool:
    if not query.from_date <= txn.trans_date <= query.to_date:
        return False
    if query.side and txn.trans_type != query.side:
        return False
    if query.isin_code == data.CASH_CODE:
        return txn.isin_code in ("", data.CASH_CODE)
    return not query.isin_code or txn.isin_code == query.isin_code


def _transaction_row(txn: Txn) -> dict[str, Any]:
    return {
        "transDate": yyyymmdd(txn.trans_date),
        "transType": txn.trans_type,
        "isinCode": txn.isin_code,
        "changeAmt": txn.change_amt,
        "changeQty": txn.change_qty,
        "qty": txn.qty,
    }


def transaction(
    envelope: Mapping[str, Any],
    txns: Sequence[Txn],
    *,
    secret: bytes,
    as_of: date | None = None,
    max_days: int | None = None,
    default_count: int = 50,
    max_count: int = 100,
) -> dict[str, Any]:
    """The transaction-history answer (거래내역) for one page.

    ``txns`` are the account's transactions over at least the requested dates (normally
    ``data.transactions_between`` for the query's dates); filtering by date, code and side, and
    paging, happen here. The mock history continues past any date, so the HTTP layer passes
    its current date as ``as_of`` and rows dated after it are left out.
    """
    query = parse_transaction_query(envelope, max_days=max_days)
    vt_acc_no = vt_acc_no_of(envelope)
    rows = [
        txn for txn in txns if _matches(txn, query) and (as_of is None or txn.trans_date <= as_of)
    ]
    size = page_size(query.raw.get("count"), default_count, max_count)
    scope = paging.page_scope(
        vt_acc_no,
        "transaction",
        yyyymmdd(query.from_date),
        yyyymmdd(query.to_date),
        query.isin_code,
        query.side,
    )
    chunk, next_key = paged(rows, size, query.raw.get("page"), secret, scope)
    payload: dict[str, Any] = {
        **head(envelope, "transaction", pad_consumer=False),
        "transactionHistoryResponseBody": {
            "queryParams": {
                "fromDate": query.raw.get("fromDate", ""),
                "toDate": query.raw.get("toDate", ""),
                "isinCode": query.raw.get("isinCode", ""),
                "side": query.raw.get("side", ""),
                "count": query.raw.get("count", ""),
                "page": query.raw.get("page", ""),
            },
            "queryResult": {
                "count": len(chunk),
                "page": next_key or NULL_PAGE,
                "totalCnt": len(rows),
            },
        },
    }
    if chunk:
        payload["transList"] = {"transaction": [_transaction_row(txn) for txn in chunk]}
    payload["resp"] = resp_ok()
    return payload
