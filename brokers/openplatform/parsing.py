"""Pure functions from the open platform's JSON to our records (`brokers.records`).

The platform's answers are loose (docs/upstream.md, "Quirks the client must survive"): a value
may be missing, null, "null" or ""; numbers may be strings or scientific notation; echoed strings
carry stray spaces; field names vary between services. Everything here absorbs that variety
once, so that the rest of the code sees exact `Decimal`s, `date`s, stripped strings and `None`.

What cannot be understood raises `ParseError` and yields nothing: an answer is taken whole or
not at all, so a sync never stores half of a page. Errors name the place in the payload but
never a value, because values are personal financial data.

Nothing here performs I/O or imports Django.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from brokers.errors import BodyNotJSON, ContractError, ParseError, error_from_response
from brokers.records import (
    BalancePage,
    BalanceSummary,
    EquityHolding,
    FundHolding,
    LinkedAccount,
    Membership,
    OtherHolding,
    PageInfo,
    PortfolioEquity,
    PortfolioFund,
    PortfolioOther,
    PortfolioPage,
    Transaction,
    TransactionPage,
    WatchGroup,
)

# A JSON number, written the way the platform writes numbers (digits, an optional fraction and
# exponent). ASCII only: `Decimal()` would also take "1_000", "NaN", "Infinity" and non-Latin
# digits, none of which is a number the platform sends. Thousands separators are not accepted:
# the platform does not use them, and "1,5" could be read two ways.
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DATE_RE = re.compile(r"[0-9]{8}", re.ASCII)
_BROKER_CODE_RE = re.compile(r"[0-9]{1,5}", re.ASCII)
_SUCCESS_RE = re.compile(r"2[0-9]{2}", re.ASCII)  # respCode "200" (any 2xx is taken as success)
_HTTP_ERROR_RE = re.compile(r"[45][0-9]{2}", re.ASCII)  # a respCode that is an HTTP status

# No amount, quantity or rate the platform can mean reaches 10^20 (the seeds' largest amount is
# about 3.9 * 10^11 KRW). Rejecting such values here gives a clear ParseError instead of an
# overflow deep in the database layer.
MAX_MAGNITUDE = Decimal("1E20")
_WIDE = Context(prec=60)
_ONE = Decimal(1)

_VT_ACC_NO_MAX_LENGTH = 30
_NO_MATURITY = "00000000"
_RESULT_BLOCKS = ("queryResult", "queryRequest")  # both spellings occur in the documentation


# --- the text itself -----------------------------------------------------------------------


def loads(raw: bytes | str) -> dict[str, Any]:
    """Decode an answer body, keeping every number exact.

    Non-integer numbers become `Decimal` (`json.loads` would give floats), NaN and Infinity are
    refused, and anything that is not a JSON object raises `ParseError`.
    """
    if not isinstance(raw, bytes | bytearray | str):
        raise ParseError("answer body is neither text nor bytes")
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # ValueError covers malformed JSON, bad encodings and integers too long to convert.
        # A body cut off on the way is the usual cause: transient (`BodyNotJSON`).
        raise BodyNotJSON("answer body is not valid JSON (cut off?)") from None
    if not isinstance(data, dict):
        raise ParseError("answer body is not a JSON object")
    return data


def _refuse_constant(name: str) -> Any:
    raise ParseError("answer body contains NaN or Infinity")


# --- the service answers -------------------------------------------------------------------


def parse_resp_code(d: Mapping[str, Any]) -> None:
    """Raise the mapped `PlatformError` when the answer reports a failure in its `resp` block.

    Account answers end with `"resp": {"respCode": "200", "respMsg": "OK"}`. A failure reported
    there is treated like a broker error sent as HTTP 500 with that code, unless the code is
    itself an HTTP status (4xx/5xx), which is then used as the status.
    """
    root = _root(d)
    resp = _block(root, "resp", "resp")
    if resp is None:
        return
    code = _string(resp.get("respCode"), "resp.respCode")
    if code is None or _SUCCESS_RE.fullmatch(code):
        return
    message = _string(resp.get("respMsg"), "resp.respMsg")
    if _HTTP_ERROR_RE.fullmatch(code):
        raise error_from_response(int(code), {"message": message})
    raise error_from_response(500, {"code": code, "message": message})


def check_account_echo(d: Mapping[str, Any], vt_acc_no: str) -> None:
    """Refuse an answer whose echoed `accInfo.vtAccNo` names another account than the one asked.

    The platform echoes `accInfo` ("반환"); when the echo is there and differs (after stripping
    the stray spaces echoes carry), the answer is not ours to store: `ContractError`. No echo
    (the block or the field missing, or no value) is accepted.
    """
    acc_info = _block(_root(d), "accInfo", "accInfo")
    echoed = _string(_get(acc_info, "vtAccNo"), "accInfo.vtAccNo")
    if echoed is not None and echoed != vt_acc_no.strip():
        raise ContractError("the answer names another virtual account than the one asked")


def parse_register_search(d: Mapping[str, Any]) -> bool:
    """Whether the person is a member of the fintech portal (member/register/search)."""
    root = _root(d)
    parse_resp_code(root)
    result = _string(root.get("result"), "result")
    if result is not None and result.lower() == "member":
        return True
    if result is not None and result.lower() == "nonmember":
        return False
    raise ParseError("result is neither member nor nonMember", path="result")


def parse_membership(d: Mapping[str, Any]) -> Membership:
    """register/search with the newer `commonTermsExpireDate` (YYYYMMDD) when present."""
    return Membership(
        is_member=parse_register_search(d),
        terms_expire=_date(_get(_root(d), "commonTermsExpireDate"), "commonTermsExpireDate"),
    )


def parse_consent_search(d: Mapping[str, Any]) -> tuple[LinkedAccount, ...]:
    """The virtual accounts linked to our service under a valid consent (consent/search).

    An empty tuple is a normal answer: the user has not linked any account to us yet. The
    newer `serviceTermsExpireDate` is read from each item or, as the example puts it, from the
    top level; `endpoint` is read where an item has one.
    """
    root = _root(d)
    parse_resp_code(root)
    top_terms = _date(_get(root, "serviceTermsExpireDate"), "serviceTermsExpireDate")
    accounts = []
    for path, item in _items(root, "vtAccList"):
        vt_acc_no = _required_string(item.get("vtAccNo"), f"{path}.vtAccNo")
        if len(vt_acc_no) > _VT_ACC_NO_MAX_LENGTH:
            raise ParseError("virtual account number is too long", path=f"{path}.vtAccNo")
        accounts.append(
            LinkedAccount(
                broker_code=_broker_code(item.get("comId"), f"{path}.comId"),
                vt_acc_no=vt_acc_no,
                alias=_string(item.get("vtAccAlias"), f"{path}.vtAccAlias"),
                terms_expire=_date(
                    _get(item, "serviceTermsExpireDate"), f"{path}.serviceTermsExpireDate"
                )
                or top_terms,
                endpoint=_string(item.get("endpoint"), f"{path}.endpoint"),
            )
        )
    return tuple(accounts)


def parse_balance(d: Mapping[str, Any]) -> BalancePage:
    """One answer of account/balance/search."""
    root = _root(d)
    parse_resp_code(root)
    body = _block(root, "balanceResponseBody", "balanceResponseBody")
    balance_list = _block(root, "balanceList", "balanceList")
    balance = _block(balance_list, "balanceList.balance", "balance")
    base = "balanceList.balance"
    return BalancePage(
        summary=_balance_summary(_block(balance, f"{base}.summary", "summary")),
        equities=tuple(
            _equity_holding(item, path) for path, item in _items(balance, f"{base}.equityList")
        ),
        funds=tuple(
            _fund_holding(item, path) for path, item in _items(balance, f"{base}.fundList")
        ),
        others=tuple(
            _other_holding(item, path) for path, item in _items(balance, f"{base}.etcList")
        ),
        page=_page_info(body, "balanceResponseBody"),
    )


def parse_portfolio(d: Mapping[str, Any]) -> PortfolioPage:
    """One answer of account/portfolio/search (weights instead of amounts)."""
    root = _root(d)
    parse_resp_code(root)
    body = _block(root, "portfolioResponseBody", "portfolioResponseBody")
    portfolio_list = _block(root, "portfolioList", "portfolioList")
    portfolio = _block(portfolio_list, "portfolioList.portfolio", "portfolio")
    base = "portfolioList.portfolio"
    cash = _block(portfolio, f"{base}.cash", "cash")
    return PortfolioPage(
        cash_amt=_decimal(_get(cash, "amt"), f"{base}.cash.amt"),
        equities=tuple(
            _portfolio_equity(item, path) for path, item in _items(portfolio, f"{base}.equityList")
        ),
        funds=tuple(
            _portfolio_fund(item, path) for path, item in _items(portfolio, f"{base}.fundList")
        ),
        others=tuple(
            _portfolio_other(item, path) for path, item in _items(portfolio, f"{base}.etcList")
        ),
        page=_page_info(body, "portfolioResponseBody"),
    )


def parse_transactions(d: Mapping[str, Any]) -> TransactionPage:
    """One answer of account/transaction/search.

    The echo of the query is read from `queryParams` or `queryPrams` (both spellings are
    documented); the page from `queryResult` or `queryRequest`.
    """
    root = _root(d)
    parse_resp_code(root)
    name = "transactionHistoryResponseBody"
    body = _block(root, name, name)
    params = _block(body, f"{name}.queryParams", "queryParams", "queryPrams")
    trans_list = _block(root, "transList", "transList")
    return TransactionPage(
        transactions=tuple(
            _transaction(item, path) for path, item in _items(trans_list, "transList.transaction")
        ),
        page=_page_info(body, name),
        from_date=_date(_get(params, "fromDate"), f"{name}.queryParams.fromDate"),
        to_date=_date(_get(params, "toDate"), f"{name}.queryParams.toDate"),
    )


def parse_interest(d: Mapping[str, Any]) -> tuple[WatchGroup, ...]:
    """The watchlist groups of account/interest/search."""
    root = _root(d)
    parse_resp_code(root)
    # The example answer says interestSymbolListResponseBody; the field table says
    # interestSymbolReponseBody. Accept either, and the spelling that was surely meant.
    body = _block(
        root,
        "interestSymbolListResponseBody",
        "interestSymbolListResponseBody",
        "interestSymbolReponseBody",
        "interestSymbolResponseBody",
    )
    base = "interestSymbolListResponseBody.groupList"
    group_list = _block(body, base, "groupList")
    return tuple(_watch_group(item, path) for path, item in _items(group_list, f"{base}.group"))


# --- records -------------------------------------------------------------------------------


def _balance_summary(block: Mapping[str, Any] | None) -> BalanceSummary | None:
    if block is None:
        return None
    base = "balanceList.balance.summary"

    def amount(*names: str) -> Decimal | None:
        return _decimal(_get(block, *names), f"{base}.{names[0]}")

    summary = BalanceSummary(
        cash_balance=amount("cashBalance"),
        d1=amount("d1"),
        d2=amount("d2"),
        substitute=amount("substitute"),
        receivable=amount("receivable"),
        subs_margin=amount("subsMargin"),
        loan_credit=amount("loanCredit"),
        val_at_trade=amount("valAtTrade"),
        # Documented as valueAtCur; the spelling of the lists is accepted as a fallback.
        value_at_cur=amount("valueAtCur", "valAtCur"),
        pro_loss=amount("proLoss"),
        total_acc_val=amount("totalAccVal"),
        cash_av_withdraw=amount("cashAvWithdraw"),
    )
    if all(getattr(summary, name) is None for name in BalanceSummary.__slots__):
        return None
    return summary


def _equity_holding(item: Mapping[str, Any], path: str) -> EquityHolding:
    return EquityHolding(
        asset_type=_code(item.get("assetType"), f"{path}.assetType"),
        product_type=_string(item.get("productType"), f"{path}.productType"),
        isin=_required_string(item.get("isinCode"), f"{path}.isinCode"),
        name=_string(item.get("productName"), f"{path}.productName"),
        qty=_decimal(item.get("qty"), f"{path}.qty"),
        trade_type=_code(item.get("tradeType"), f"{path}.tradeType"),
        val_at_trade=_decimal(item.get("valAtTrade"), f"{path}.valAtTrade"),
        val_at_cur=_decimal(_get(item, "valAtCur", "valueAtCur"), f"{path}.valAtCur"),
        pro_loss=_decimal(item.get("proLoss"), f"{path}.proLoss"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
    )


def _fund_holding(item: Mapping[str, Any], path: str) -> FundHolding:
    return FundHolding(
        fund_type=_string(item.get("fundType"), f"{path}.fundType"),
        fund_code=_required_string(item.get("fundCode"), f"{path}.fundCode"),
        fund_name=_string(item.get("fundName"), f"{path}.fundName"),
        val_at_trade=_decimal(item.get("valAtTrade"), f"{path}.valAtTrade"),
        val_at_cur=_decimal(_get(item, "valAtCur", "valueAtCur"), f"{path}.valAtCur"),
        pro_loss=_decimal(item.get("proLoss"), f"{path}.proLoss"),
        first_date_buy=_date(item.get("firstDateBuy"), f"{path}.firstDateBuy"),
        last_date_buy=_date(item.get("lastDateBuy"), f"{path}.lastDateBuy"),
        maturity=_date(item.get("maturity"), f"{path}.maturity"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
    )


def _other_identity(item: Mapping[str, Any], path: str) -> tuple[str | None, str | None]:
    """An other-product line's name and ISIN; at least one of them must be there."""
    name = _string(item.get("assetName"), f"{path}.assetName")
    isin = _string(item.get("isinCode"), f"{path}.isinCode")
    if name is None and isin is None:
        raise ParseError("other asset has neither a name nor an ISIN", path=path)
    return name, isin


def _other_holding(item: Mapping[str, Any], path: str) -> OtherHolding:
    name, isin = _other_identity(item, path)
    return OtherHolding(
        asset_type=_code(item.get("assetType"), f"{path}.assetType"),
        name=name,
        isin=isin,
        qty=_decimal(item.get("qty"), f"{path}.qty"),
        trade_type=_code(item.get("tradeType"), f"{path}.tradeType"),
        val_at_trade=_decimal(item.get("valAtTrade"), f"{path}.valAtTrade"),
        # The sample answer spells it valueAtCur in etcList (valAtCur elsewhere).
        val_at_cur=_decimal(_get(item, "valueAtCur", "valAtCur"), f"{path}.valueAtCur"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
        pro_loss=_decimal(item.get("proLoss"), f"{path}.proLoss"),
    )


def _portfolio_equity(item: Mapping[str, Any], path: str) -> PortfolioEquity:
    return PortfolioEquity(
        asset_type=_code(item.get("assetType"), f"{path}.assetType"),
        isin=_required_string(item.get("isinCode"), f"{path}.isinCode"),
        weight=_decimal(item.get("qty"), f"{path}.qty"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
    )


def _portfolio_fund(item: Mapping[str, Any], path: str) -> PortfolioFund:
    return PortfolioFund(
        fund_code=_required_string(item.get("fundCode"), f"{path}.fundCode"),
        fund_name=_string(item.get("fundName"), f"{path}.fundName"),
        weight=_decimal(item.get("qty"), f"{path}.qty"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
        maturity=_date(item.get("maturity"), f"{path}.maturity"),
    )


def _portfolio_other(item: Mapping[str, Any], path: str) -> PortfolioOther:
    name, isin = _other_identity(item, path)
    return PortfolioOther(
        asset_type=_code(item.get("assetType"), f"{path}.assetType"),
        name=name,
        isin=isin,
        weight=_decimal(item.get("qty"), f"{path}.qty"),
        earning_rate=_decimal(item.get("earningRate"), f"{path}.earningRate"),
    )


def _transaction(item: Mapping[str, Any], path: str) -> Transaction:
    date = _date(item.get("transDate"), f"{path}.transDate")
    if date is None:
        raise ParseError("transaction has no date", path=f"{path}.transDate")
    kind = _code(item.get("transType"), f"{path}.transType")
    if kind is None:
        raise ParseError("transaction has no type", path=f"{path}.transType")
    isin = _string(item.get("isinCode"), f"{path}.isinCode")
    if isin is not None and isin.upper() == "CASH":
        isin = None
    return Transaction(
        date=date,
        type=kind,
        isin=isin,
        change_amt=_decimal(item.get("changeAmt"), f"{path}.changeAmt"),
        change_qty=_decimal(item.get("changeQty"), f"{path}.changeQty"),
        qty_after=_decimal(item.get("qty"), f"{path}.qty"),
    )


def _watch_group(item: Mapping[str, Any], path: str) -> WatchGroup:
    raw = item.get("isinCode")
    if isinstance(raw, list):
        isins = [_string(value, f"{path}.isinCode[{i}]") for i, value in enumerate(raw)]
    else:
        # A single code where a list was meant is taken as a list of one.
        isins = [_string(raw, f"{path}.isinCode")]
    return WatchGroup(
        name=_string(item.get("groupName"), f"{path}.groupName"),
        modified=_date(item.get("modifyDate"), f"{path}.modifyDate"),
        isins=tuple(isin for isin in isins if isin is not None),
    )


def _page_info(body: Mapping[str, Any] | None, base: str) -> PageInfo:
    result = _block(body, f"{base}.queryResult", *_RESULT_BLOCKS)
    path = f"{base}.queryResult"
    return PageInfo(
        total_count=_count(_get(result, "totalCnt"), f"{path}.totalCnt"),
        count=_count(_get(result, "count"), f"{path}.count"),
        next_page=_string(_get(result, "page"), f"{path}.page"),
    )


# --- values --------------------------------------------------------------------------------


def _is_no_value(value: Any) -> bool:
    """Missing, null, "null" (any case), "" and blank all mean: the platform gave no value."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return text == "" or text.lower() == "null"
    return False


def _root(d: Any) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise ParseError("answer is not a JSON object")
    return d


def _get(block: Mapping[str, Any] | None, *names: str) -> Any:
    """The first of `names` that holds a value in `block`, else None."""
    if block is None:
        return None
    for name in names:
        value = block.get(name)
        if not _is_no_value(value):
            return value
    return None


def _block(parent: Mapping[str, Any] | None, path: str, *names: str) -> Mapping[str, Any] | None:
    """An object-valued field; None when the platform left it out."""
    value = _get(parent, *names)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ParseError("expected an object", path=path)
    return value


def _items(parent: Mapping[str, Any] | None, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The objects of the list-valued field that ends `path`, each with its own path.

    Entries with no value are skipped. A lone object stands for a list of one (serializers
    converted from XML write one-element lists that way); an empty object for an empty list.
    """
    value = _get(parent, path.rpartition(".")[2])
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(path, value)] if value else []
    if not isinstance(value, list):
        raise ParseError("expected a list", path=path)
    items = []
    for i, item in enumerate(value):
        if _is_no_value(item):
            continue
        if not isinstance(item, Mapping):
            raise ParseError("expected an object in the list", path=f"{path}[{i}]")
        items.append((f"{path}[{i}]", item))
    return items


def _string(value: Any, path: str) -> str | None:
    if _is_no_value(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        # An integer is exact in JSON, so a code sent without quotes is still the same code.
        return str(value)
    raise ParseError("expected text", path=path)


def _required_string(value: Any, path: str) -> str:
    text = _string(value, path)
    if text is None:
        raise ParseError("required value is missing", path=path)
    return text


def _code(value: Any, path: str) -> str | None:
    text = _string(value, path)
    return None if text is None else text.upper()


def _broker_code(value: Any, path: str) -> str:
    """A broker code as five digits: " 00002" and 2 both mean "00002"."""
    text = _required_string(value, path)
    if not _BROKER_CODE_RE.fullmatch(text):
        raise ParseError("broker code is not up to five digits", path=path)
    return text.zfill(5)


def _decimal(value: Any, path: str) -> Decimal | None:
    """An exact Decimal from a JSON number or a numeric string; None for no value."""
    if _is_no_value(value):
        return None
    if isinstance(value, bool):
        raise ParseError("expected a number, got a boolean", path=path)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _NUMBER_RE.fullmatch(text):
            raise ParseError("expected a number", path=path)
        number = Decimal(text)
    elif isinstance(value, float):
        # Floats have already lost digits; answers must be decoded with `loads`.
        raise ParseError("got a float; decode answers with parsing.loads", path=path)
    else:
        raise ParseError("expected a number", path=path)
    if not number.is_finite():
        raise ParseError("number is not finite", path=path)
    if abs(number) >= MAX_MAGNITUDE:
        raise ParseError("number is out of range", path=path)
    if number == 0:
        return Decimal(0)  # also folds -0 and 0E+10 into a plain zero
    if number == number.to_integral_value(context=_WIDE):
        # 1.0E10 and 6976542.0 become 10000000000 and 6976542: equal values, plain digits.
        return number.quantize(_ONE, context=_WIDE)
    return number


def _count(value: Any, path: str) -> int | None:
    number = _decimal(value, path)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise ParseError("count is not a whole non-negative number", path=path)
    return int(number)


def _date(value: Any, path: str) -> datetime.date | None:
    text = _string(value, path)
    if text is None or text == _NO_MATURITY:
        return None
    if not _DATE_RE.fullmatch(text):
        raise ParseError("date is not YYYYMMDD", path=path)
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ParseError("date does not exist", path=path) from None
