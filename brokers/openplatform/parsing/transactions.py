"""The transaction service: an account's movements over a date range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brokers.errors import ParseError
from brokers.openplatform.parsing.answer import parse_resp_code
from brokers.openplatform.parsing.values import (
    answer_root,
    code_text,
    date_value,
    decimal_value,
    field,
    item_list,
    page_info,
    string_value,
    sub_block,
)
from brokers.records import Transaction, TransactionPage


def parse_transactions(d: Mapping[str, Any]) -> TransactionPage:
    """One answer of account/transaction/search.

    The echo of the query is read from `queryParams` or `queryPrams` (both spellings are
    documented); the page from `queryResult` or `queryRequest`.
    """
    root = answer_root(d)
    parse_resp_code(root)
    name = "transactionHistoryResponseBody"
    body = sub_block(root, name, name)
    params = sub_block(body, f"{name}.queryParams", "queryParams", "queryPrams")
    trans_list = sub_block(root, "transList", "transList")
    return TransactionPage(
        transactions=tuple(
            _transaction(item, path)
            for path, item in item_list(trans_list, "transList.transaction")
        ),
        page=page_info(body, name),
        from_date=date_value(field(params, "fromDate"), f"{name}.queryParams.fromDate"),
        to_date=date_value(field(params, "toDate"), f"{name}.queryParams.toDate"),
    )


def _transaction(item: Mapping[str, Any], path: str) -> Transaction:
    date = date_value(item.get("transDate"), f"{path}.transDate")
    if date is None:
        raise ParseError("transaction has no date", path=f"{path}.transDate")
    kind = code_text(item.get("transType"), f"{path}.transType")
    if kind is None:
        raise ParseError("transaction has no type", path=f"{path}.transType")
    isin = string_value(item.get("isinCode"), f"{path}.isinCode")
    if isin is not None and isin.upper() == "CASH":
        isin = None
    return Transaction(
        date=date,
        type=kind,
        isin=isin,
        change_amt=decimal_value(item.get("changeAmt"), f"{path}.changeAmt"),
        change_qty=decimal_value(item.get("changeQty"), f"{path}.changeQty"),
        qty_after=decimal_value(item.get("qty"), f"{path}.qty"),
    )
