"""The request envelope read, its header echoed, and the values every answer shares."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from brokers.sandbox import paging
from brokers.sandbox.jsontext import Double
from brokers.sandbox.render.errors import RequestError, malformed

ASSET_TYPES = ("CASH", "EQTY", "FUND", "ETC", "ALL")
RSP_TYPES = ("RAT", "QTY")
SIDES = ("BID", "ASK", "DEP", "WID")
NULL_PAGE = "null"
NO_MATURITY = "00000000"

FAMILY_KEYS = {"EQTY": "equityList", "FUND": "fundList", "ETC": "etcList"}


def resp_ok() -> dict[str, str]:
    return {"respCode": "200", "respMsg": "OK"}


def section(parent: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = parent.get(name)
    if not isinstance(value, Mapping):
        raise malformed(f"malformed request: {name} is missing")
    return value


def vt_acc_no_of(envelope: Mapping[str, Any]) -> str:
    """The virtual account number a request names (3011 when there is none)."""
    value = section(envelope, "accInfo").get("vtAccNo")
    if not isinstance(value, str) or not value.strip():
        raise malformed("malformed request: accInfo.vtAccNo is missing")
    return value.strip()


def platform_id(envelope: Mapping[str, Any], service: str) -> str:
    canonical = json.dumps(envelope, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{service}\x00{canonical}".encode()).hexdigest()[:11]


def head(envelope: Mapping[str, Any], service: str, *, pad_consumer: bool) -> dict[str, Any]:
    header = section(envelope, "commonHeader")
    consumer = str(header.get("reqIdConsumer") or "")
    ci = str(header.get("ci") or "")
    return {
        "commonHeader": {
            "reqIdPlatform": platform_id(envelope, service),
            "reqIdConsumer": " " + consumer.lstrip(" ") if pad_consumer else consumer,
            "certDn": "",
            "ci": " " + ci.lstrip(" "),
        },
        "accInfo": {"realAccNo": "", "vtAccNo": vt_acc_no_of(envelope)},
    }


def check_account(envelope: Mapping[str, Any], vt_acc_no: str) -> None:
    if vt_acc_no_of(envelope) != vt_acc_no:
        raise ValueError("the data passed belongs to another account than the request names")


def requested_count(value: Any) -> int:
    """A request's ``count``: a number or a numeric string; missing or ``""`` mean 0."""
    if value is None or (isinstance(value, str) and value.strip() in ("", NULL_PAGE)):
        return 0
    if isinstance(value, bool):
        raise malformed("malformed request: count is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise malformed("malformed request: count is not a number") from exc
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise malformed("malformed request: count must be a whole number ≥ 0")
    return int(number)


def page_size(value: Any, default: int, maximum: int) -> int:
    requested = requested_count(value)
    return default if requested == 0 else min(requested, maximum)


def page_in(value: Any) -> str | None:
    return None if value is None else str(value)


def echo_count(value: Any) -> str:
    return "0" if value is None else str(value)


def echo_page(value: Any) -> str:
    return NULL_PAGE if value is None else str(value)


def asset_type_of(query: Mapping[str, Any], allow_all: bool) -> str:
    asset_type = str(query.get("assetType") or "").strip()
    if asset_type not in ASSET_TYPES or (asset_type == "ALL" and not allow_all):
        raise RequestError(6001, f"asset type not supported: {asset_type or '(none)'}")
    return asset_type


def paged(
    items: Sequence[Any], size: int, page_value: Any, secret: bytes, scope: str
) -> tuple[list[Any], str | None]:
    try:
        return paging.page(items, size, page_in(page_value), secret, scope)
    except paging.InvalidPageKey as exc:
        raise RequestError(6003, "invalid page key") from exc


def yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def double(value: Decimal) -> Double:
    return Double(value)
