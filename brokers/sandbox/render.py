"""Response payloads of the sandbox's platform APIs, in the seeds' exact shapes.

Each renderer takes the request envelope (the parsed JSON body the client sent) and the mock
data from ``brokers.sandbox.data``, and returns a dict of dicts/lists/str/``Decimal``/``None``
for ``brokers.sandbox.jsontext.dumps``. Nothing here reads a clock, a database or a setting:
the HTTP layer passes the snapshot for the right date, the paging secret and the broker's
capabilities (``allow_all``, ``allow_qty``, ``max_days``).

Renderers
---------
``balance(envelope, snapshot, *, secret, allow_all=True, default_count=20, max_count=100)``
``portfolio(envelope, snapshot, *, secret, allow_all=True, allow_qty=True, …)``
``parse_transaction_query(envelope, *, max_days=None) -> TransactionQuery``
``transaction(envelope, txns, *, secret, as_of=None, max_days=None, default_count=50, …)``
``interest(envelope, groups)``
``member_result(is_member)``, ``consent_item(com_id, vt_acc_no, alias)``, ``consent_list(items)``
``error_body(code, message, category="op-exco", description="")``

A request the platform would refuse raises ``RequestError`` (``.code``, ``.message``,
``.status``; ``.body()`` is the platform's error body): 3011 malformed request (missing
section, bad date or count), 6001 asset type not supported (including ``ALL`` on a broker
without it), 6002 response type not supported, 6003 invalid page key, 6006 date range exceeded,
6007 invalid ISIN, 6008 invalid side.

Quirks, and exactly where they appear
-------------------------------------
Every one of these is deterministic. "Default account" means any account of the ``default``
persona on any date from its second month on; the seeds are the model for each.

Echoes
  - ``commonHeader.ci`` has exactly one leading space in every response (`` "ci": " S1V7…"``),
    whether or not the request's ``ci`` had one.
  - ``commonHeader.reqIdConsumer`` has one leading space in balance responses only
    (``" ID00002"``); the other services echo it verbatim.
  - ``comId`` in consent-search items has one leading space (``" 00002"``).
  - ``commonHeader.certDn`` is ``""``; ``accInfo.realAccNo`` is ``""``.
  - ``commonHeader.reqIdPlatform`` is an 11-character id derived from the request.
  - ``balanceResponseBody.queryType`` echoes ``assetType``, then ``count`` as a STRING
    (``"count": "0"`` for a request's ``0``), then ``page`` (``"null"`` when the request sent
    ``"null"``, nothing or ``None``). ``portfolioResponseBody.queryType`` does the same with
    ``rspType`` echoed between ``assetType`` and ``count``.
  - ``transactionHistoryResponseBody.queryParams`` echoes ``count`` and ``page`` unchanged
    (a number stays a number: ``"count": 30``, ``"page": ""``). Requests may spell the section
    ``queryParams`` or ``queryPrams`` (the documentation's spelling); the answer always says
    ``queryParams``.

Paging and counts
  - The page-info block is ``queryResult`` (never the documentation's ``queryRequest``).
  - Balance and portfolio counts are doubles: ``"totalCnt": 157.0, "count": 157.0``.
    Transaction counts are integers: ``"count": 30, "totalCnt": 120``.
  - The last page (and every ``ALL`` or ``CASH`` answer) has ``"page": "null"`` — the string.
  - Other pages carry an opaque 22-character key, valid only for the same account, service,
    asset type (or transaction query) and, for balance and portfolio, snapshot date.

Numbers (see ``jsontext``)
  - Balance and portfolio numbers are Java doubles: ``6976542.0``, ``-12.9``, ``0.0`` below
    1e7, scientific from 1e7 up (``9.816358E7``). Every default account holds a bond with a face
    value of 1–3 billion won, so ``balanceList.balance.etcList[BOND].qty`` is ``1.0E9``,
    ``2.0E9`` or ``3.0E9`` and ``summary.valueAtCur`` and ``summary.totalAccVal`` are ≥ 1e9.
  - Transaction numbers are plain below 1e9 (``14399400``) and scientific from 1e9: the
    opening-day bond purchase of every default account has ``changeQty`` ``1.0E9``…``3.0E9``,
    and its opening deposit ``changeAmt`` is ≥ 1e9 (e.g. ``1.12E9``).

Missing values
  - Absent field: ``etcList`` items (balance and portfolio) never have ``isinCode`` (the
    platform does not support it yet), and balance ``etcList`` items have no ``proLoss``.
    Balance ``fundList`` items have ``fundType`` (``"02"``) only for domestic funds; every
    default account holds exactly one overseas fund, whose item has no ``fundType`` key.
  - Absent block: with ``assetType`` ``ALL``, a product family the account does not hold is
    left out (no ``equityList`` key at all for an ``empty`` account, rather than ``[]``);
    portfolio ``cash`` appears only for ``ALL`` and ``CASH``. A transaction page with no rows
    has no ``transList`` key.
  - ``null``: ``balanceList.balance.summary.receivable`` is JSON ``null`` in every balance
    answer.
  - ``"null"``: ``lastDateBuy`` of a fund bought only once is the string ``"null"``; every
    default account's overseas fund is bought once. (Plus the paging ``"null"`` above.)
  - ``""``: balance ``equityList`` items have ``"productType": ""``; broker cash moves
    (``ETC``: interest, dividends, fees) have ``"isinCode": ""`` while deposits and withdrawals
    have ``"CASH"``; the interest group named ``ETF`` has ``"modifyDate": ""``.

Names and field spellings
  - ``fundName`` is cut at 30 cp949 bytes, sometimes mid-bracket (``"…증권자1호("``): up to 19
    characters when the name mixes Latin letters and Korean.
  - Equity and fund items use ``valAtCur``; ``etcList`` items and the summary use ``valueAtCur``.
  - Key order follows the seeds, including ``resp`` before ``portfolioList`` in portfolio
    answers and ``isinCode`` before ``groupName`` in interest groups.

Data, not format
  - Every persona has two identical ``DEP`` rows on the first business day at least 20 days
    after opening (see ``data``).
  - Portfolio ``RAT`` answers give ``cash.amt`` as the cash share of the account in percent
    and item ``qty`` as the weight within the family in percent; ``QTY`` answers give the cash
    amount and real quantities (shares, fund units, face value).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from brokers.sandbox import data, paging
from brokers.sandbox.catalog import DOMESTIC_FUND
from brokers.sandbox.data import (
    AccountSnapshot,
    EquityHolding,
    FundHolding,
    OtherHolding,
    Txn,
    WatchGroup,
)
from brokers.sandbox.jsontext import Double

ASSET_TYPES = ("CASH", "EQTY", "FUND", "ETC", "ALL")
RSP_TYPES = ("RAT", "QTY")
SIDES = ("BID", "ASK", "DEP", "WID")
NULL_PAGE = "null"
NO_MATURITY = "00000000"

_FAMILY_KEYS = {"EQTY": "equityList", "FUND": "fundList", "ETC": "etcList"}
_CODE_RE = re.compile(r"^[A-Z0-9]{1,20}$")
_DATE_RE = re.compile(r"^\d{8}$")


def resp_ok() -> dict[str, str]:
    return {"respCode": "200", "respMsg": "OK"}


# --- Errors -------------------------------------------------------------------------------


def error_body(
    code: int | str, message: str, category: str = "op-exco", description: str = ""
) -> dict[str, Any]:
    """The platform's error body: ``{"category", "code", "message", "description"}``."""
    return {"category": category, "code": code, "message": message, "description": description}


class RequestError(Exception):
    """A request the platform would refuse, with the platform's code and HTTP status."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 500,
        category: str = "op-exco",
        description: str = "",
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.category = category
        self.description = description

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.category, self.description)


def _malformed(message: str) -> RequestError:
    return RequestError(3011, message, status=400)


# --- Common (service-link) APIs -----------------------------------------------------------


def member_result(is_member: bool) -> dict[str, str]:
    return {"result": "member" if is_member else "nonMember"}


def consent_item(com_id: str, vt_acc_no: str, alias: str) -> dict[str, str]:
    """One linked virtual account; the broker code comes with a leading space, as upstream."""
    return {"comId": " " + com_id.strip(), "vtAccNo": vt_acc_no, "vtAccAlias": alias}


def consent_list(
    items: Iterable[tuple[str, str, str]], *, terms_expire: date | None = None
) -> dict[str, Any]:
    """``{"vtAccList": [...]}`` from (broker code, virtual account number, alias) triples, with
    the newer documents' top-level ``serviceTermsExpireDate`` (YYYYMMDD) when given."""
    answer: dict[str, Any] = {"vtAccList": [consent_item(*item) for item in items]}
    if terms_expire is not None:
        answer["serviceTermsExpireDate"] = terms_expire.strftime("%Y%m%d")
    return answer


# --- Envelope -----------------------------------------------------------------------------


def _section(parent: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = parent.get(name)
    if not isinstance(value, Mapping):
        raise _malformed(f"malformed request: {name} is missing")
    return value


def vt_acc_no_of(envelope: Mapping[str, Any]) -> str:
    """The virtual account number a request names (3011 when there is none)."""
    value = _section(envelope, "accInfo").get("vtAccNo")
    if not isinstance(value, str) or not value.strip():
        raise _malformed("malformed request: accInfo.vtAccNo is missing")
    return value.strip()


def _platform_id(envelope: Mapping[str, Any], service: str) -> str:
    canonical = json.dumps(envelope, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{service}\x00{canonical}".encode()).hexdigest()[:11]


def _head(envelope: Mapping[str, Any], service: str, *, pad_consumer: bool) -> dict[str, Any]:
    header = _section(envelope, "commonHeader")
    consumer = str(header.get("reqIdConsumer") or "")
    ci = str(header.get("ci") or "")
    return {
        "commonHeader": {
            "reqIdPlatform": _platform_id(envelope, service),
            "reqIdConsumer": " " + consumer.lstrip(" ") if pad_consumer else consumer,
            "certDn": "",
            "ci": " " + ci.lstrip(" "),
        },
        "accInfo": {"realAccNo": "", "vtAccNo": vt_acc_no_of(envelope)},
    }


def _check_account(envelope: Mapping[str, Any], vt_acc_no: str) -> None:
    if vt_acc_no_of(envelope) != vt_acc_no:
        raise ValueError("the data passed belongs to another account than the request names")


def _requested_count(value: Any) -> int:
    """A request's ``count``: a number or a numeric string; missing or ``""`` mean 0."""
    if value is None or (isinstance(value, str) and value.strip() in ("", NULL_PAGE)):
        return 0
    if isinstance(value, bool):
        raise _malformed("malformed request: count is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _malformed("malformed request: count is not a number") from exc
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise _malformed("malformed request: count must be a whole number ≥ 0")
    return int(number)


def _page_size(value: Any, default: int, maximum: int) -> int:
    requested = _requested_count(value)
    return default if requested == 0 else min(requested, maximum)


def _page_in(value: Any) -> str | None:
    return None if value is None else str(value)


def _echo_count(value: Any) -> str:
    return "0" if value is None else str(value)


def _echo_page(value: Any) -> str:
    return NULL_PAGE if value is None else str(value)


def _asset_type(query: Mapping[str, Any], allow_all: bool) -> str:
    asset_type = str(query.get("assetType") or "").strip()
    if asset_type not in ASSET_TYPES or (asset_type == "ALL" and not allow_all):
        raise RequestError(6001, f"asset type not supported: {asset_type or '(none)'}")
    return asset_type


def _paged(
    items: Sequence[Any], size: int, page_value: Any, secret: bytes, scope: str
) -> tuple[list[Any], str | None]:
    try:
        return paging.page(items, size, _page_in(page_value), secret, scope)
    except paging.InvalidPageKey as exc:
        raise RequestError(6003, "invalid page key") from exc


def _yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _double(value: Decimal) -> Double:
    return Double(value)


# --- Balance ------------------------------------------------------------------------------


def _summary(snapshot: AccountSnapshot) -> dict[str, Any]:
    s = snapshot.summary
    return {
        "cashBalance": _double(s.cash_balance),
        "d1": _double(s.d1),
        "d2": _double(s.d2),
        "substitute": _double(s.substitute),
        # JSON null as in the seeds when there is none; an amount when there is one.
        "receivable": _double(s.receivable) if s.receivable else None,
        "subsMargin": _double(s.subs_margin),
        "loanCredit": _double(s.loan_credit),
        "valAtTrade": _double(s.val_at_trade),
        "valueAtCur": _double(s.value_at_cur),
        "proLoss": _double(s.pro_loss),
        "totalAccVal": _double(s.total_acc_val),
        "cashAvWithdraw": _double(s.cash_av_withdraw),
    }


def _balance_equity(h: EquityHolding) -> dict[str, Any]:
    return {
        "assetType": h.asset_type,
        "productType": h.product_type,
        "isinCode": h.isin,
        "productName": h.name,
        "qty": _double(h.qty),
        "tradeType": h.trade_type,
        "valAtTrade": _double(h.val_at_trade),
        "valAtCur": _double(h.val_at_cur),
        "proLoss": _double(h.pro_loss),
        "earningRate": _double(h.earning_rate),
    }


def _balance_fund(h: FundHolding) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if h.fund_type == DOMESTIC_FUND:
        item["fundType"] = h.fund_type
    item.update(
        {
            "fundCode": h.fund_code,
            "fundName": h.fund_name,
            "valAtTrade": _double(h.val_at_trade),
            "valAtCur": _double(h.val_at_cur),
            "proLoss": _double(h.pro_loss),
            "firstDateBuy": _yyyymmdd(h.first_date_buy),
            "lastDateBuy": _yyyymmdd(h.last_date_buy) if h.buy_count > 1 else NULL_PAGE,
            "maturity": _yyyymmdd(h.maturity) if h.maturity else NO_MATURITY,
            "earningRate": _double(h.earning_rate),
        }
    )
    return item


def _balance_other(h: OtherHolding) -> dict[str, Any]:
    return {
        "assetType": h.asset_type,
        "assetName": h.name,
        "qty": _double(h.qty),
        "tradeType": h.trade_type,
        "valAtTrade": _double(h.val_at_trade),
        "valueAtCur": _double(h.val_at_cur),
        "earningRate": _double(h.earning_rate),
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
    _check_account(envelope, snapshot.vt_acc_no)
    query = _section(_section(envelope, "balanceRequestBody"), "queryType")
    asset_type = _asset_type(query, allow_all)
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
                block[_FAMILY_KEYS[family]] = [render_item[family](h) for h in holdings]
                total += len(holdings)
        shown = total
    elif asset_type == "CASH":
        total = shown = 0
    else:
        holdings = families[asset_type]
        size = _page_size(query.get("count"), default_count, max_count)
        scope = paging.page_scope(
            snapshot.vt_acc_no, "balance", asset_type, _yyyymmdd(snapshot.as_of)
        )
        chunk, next_key = _paged(holdings, size, query.get("page"), secret, scope)
        block[_FAMILY_KEYS[asset_type]] = [render_item[asset_type](h) for h in chunk]
        total, shown = len(holdings), len(chunk)
    return {
        **_head(envelope, "balance", pad_consumer=True),
        "balanceResponseBody": {
            "queryType": {
                "assetType": query.get("assetType"),
                "count": _echo_count(query.get("count")),
                "page": _echo_page(query.get("page")),
            },
            "queryResult": {
                "totalCnt": _double(Decimal(total)),
                "count": _double(Decimal(shown)),
                "page": next_key or NULL_PAGE,
            },
        },
        "balanceList": {"balance": block},
        "resp": resp_ok(),
    }


# --- Portfolio ----------------------------------------------------------------------------


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
    _check_account(envelope, snapshot.vt_acc_no)
    query = _section(_section(envelope, "portfolioRequestBody"), "queryType")
    asset_type = _asset_type(query, allow_all)
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
            "qty": _double(h.qty if quantities else w.weight),
            "earningRate": _double(h.earning_rate),
        }

    def fund(w: data.Weighted) -> dict[str, Any]:
        h = cast(FundHolding, w.holding)
        return {
            "fundCode": h.fund_code,
            "fundName": h.fund_name,
            "qty": _double(h.units if quantities else w.weight),
            "earningRate": _double(h.earning_rate),
            "maturity": _yyyymmdd(h.maturity) if h.maturity else NO_MATURITY,
        }

    def other(w: data.Weighted) -> dict[str, Any]:
        h = cast(OtherHolding, w.holding)
        return {
            "assetType": h.asset_type,
            "assetName": h.name,
            "qty": _double(h.qty if quantities else w.weight),
            "earningRate": _double(h.earning_rate),
        }

    families = {
        "EQTY": (ratios.equities, equity),
        "FUND": (ratios.funds, fund),
        "ETC": (ratios.others, other),
    }
    cash = {"amt": _double(snapshot.cash if quantities else ratios.cash_ratio)}
    block: dict[str, Any] = {}
    next_key: str | None = None
    if asset_type in ("ALL", "CASH"):
        block["cash"] = cash
        total = 0
        if asset_type == "ALL":
            for family, (weighted, render_item) in families.items():
                if weighted:
                    block[_FAMILY_KEYS[family]] = [render_item(w) for w in weighted]
                    total += len(weighted)
        shown = total
    else:
        weighted, render_item = families[asset_type]
        size = _page_size(query.get("count"), default_count, max_count)
        scope = paging.page_scope(
            snapshot.vt_acc_no, "portfolio", asset_type, rsp_type, _yyyymmdd(snapshot.as_of)
        )
        chunk, next_key = _paged(weighted, size, query.get("page"), secret, scope)
        block[_FAMILY_KEYS[asset_type]] = [render_item(w) for w in chunk]
        total, shown = len(weighted), len(chunk)
    return {
        **_head(envelope, "portfolio", pad_consumer=False),
        "portfolioResponseBody": {
            "queryType": {
                "assetType": query.get("assetType"),
                "rspType": "" if query.get("rspType") is None else query.get("rspType"),
                "count": _echo_count(query.get("count")),
                "page": _echo_page(query.get("page")),
            },
            "queryResult": {
                "totalCnt": _double(Decimal(total)),
                "count": _double(Decimal(shown)),
                "page": next_key or NULL_PAGE,
            },
        },
        "resp": resp_ok(),
        "portfolioList": {"portfolio": block},
    }


# --- Transactions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    from_date: date
    to_date: date
    isin_code: str  # "" = every code
    side: str  # "" = every type, ETC included
    raw: Mapping[str, Any]  # the request's queryParams, echoed as sent


def _params(envelope: Mapping[str, Any]) -> Mapping[str, Any]:
    body = _section(envelope, "transactionHistoryRequestBody")
    # The documentation spells the section "queryPrams"; accept both spellings.
    for name in ("queryParams", "queryPrams"):
        value = body.get(name)
        if isinstance(value, Mapping):
            return value
    raise _malformed("malformed request: queryParams is missing")


def _parse_day(value: Any, name: str) -> date:
    text = str(value or "").strip()
    if not _DATE_RE.match(text):
        raise _malformed(f"malformed request: {name} must be YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise _malformed(f"malformed request: {name} is not a date") from exc


def parse_transaction_query(
    envelope: Mapping[str, Any], *, max_days: int | None = None
) -> TransactionQuery:
    """The dates and filters of a transaction request, validated as the platform would."""
    params = _params(envelope)
    from_date = _parse_day(params.get("fromDate"), "fromDate")
    to_date = _parse_day(params.get("toDate"), "toDate")
    if to_date < from_date:
        raise _malformed("malformed request: toDate is before fromDate")
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
        "transDate": _yyyymmdd(txn.trans_date),
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
    size = _page_size(query.raw.get("count"), default_count, max_count)
    scope = paging.page_scope(
        vt_acc_no,
        "transaction",
        _yyyymmdd(query.from_date),
        _yyyymmdd(query.to_date),
        query.isin_code,
        query.side,
    )
    chunk, next_key = _paged(rows, size, query.raw.get("page"), secret, scope)
    payload: dict[str, Any] = {
        **_head(envelope, "transaction", pad_consumer=False),
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


# --- Interest symbols ---------------------------------------------------------------------


def interest(envelope: Mapping[str, Any], groups: Sequence[WatchGroup]) -> dict[str, Any]:
    """The interest-symbol answer (관심종목): every group at once, as the seed shows."""
    return {
        **_head(envelope, "interest", pad_consumer=False),
        "interestSymbolListResponseBody": {
            "groupList": {
                "group": [
                    {
                        "isinCode": list(group.isin_codes),
                        "groupName": group.group_name,
                        "modifyDate": _yyyymmdd(group.modify_date) if group.modify_date else "",
                    }
                    for group in groups
                ]
            }
        },
        "resp": resp_ok(),
    }
