"""The request bodies the open platform expects, as pure functions (no settings, no I/O).

Every request names our service (`partner`), carries a `commonHeader` with a fresh consumer
request id and the user's CI, and account requests add the device (`devInfo`) and the virtual
account (`accInfo`). The platform's convention for a required field without a value is `""`.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import secrets
from typing import Any

REQ_ID_LENGTH = 20  # commonHeader.reqIdConsumer is String(20)
FIRST_PAGE = "null"  # balance and portfolio ask for their first page with the string "null"


def _text(value: str | None) -> str:
    return "" if value is None else value


def new_request_id() -> str:
    """A fresh `reqIdConsumer`: 20 characters, unique enough to find one call in the logs."""
    return "J" + secrets.token_hex(REQ_ID_LENGTH)[: REQ_ID_LENGTH - 1].upper()


def device_ip(address: str) -> str:
    """An IPv4 address in the platform's 12-digit form: 123.45.6.7 → "123045006007".

    IPv4 addresses mapped into IPv6 (`::ffff:1.2.3.4`, as dual-stack servers report them) are
    unwrapped. Other IPv6 addresses have no 12-digit form: ValueError.
    """
    ip = ipaddress.ip_address(address.strip())
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is None:
            raise ValueError("an IPv6 address has no 12-digit form")
        ip = ip.ipv4_mapped
    return "".join(f"{int(octet):03d}" for octet in str(ip).split("."))


def installation_mac(com_id: str, srv_id: str) -> str:
    """A stable 12-hex-digit "MAC" for this installation, derived from our partner codes.

    The platform asks for the PC's MAC address; a web service has no meaningful one to give
    for its users, so it sends one fixed value per installation (the same for every call),
    which lets the platform tell our calls apart without naming any real device.
    """
    return hashlib.sha256(f"jasan-device:{com_id}:{srv_id}".encode()).hexdigest()[:12].upper()


def dev_info(ip_address: str | None, *, server_ip: str, com_id: str, srv_id: str) -> dict[str, str]:
    """The `devInfo` block: the end user's IP when they triggered the call, else ours.

    An address with no 12-digit form (IPv6) falls back to the installation's own address.
    """
    try:
        ip = device_ip(ip_address or server_ip)
    except ValueError:
        ip = device_ip(server_ip)
    return {"ipAddr": ip, "macAddr": installation_mac(com_id, srv_id)}


def partner(com_id: str, srv_id: str) -> dict[str, str]:
    return {"comId": _text(com_id), "srvId": _text(srv_id)}


def common_header(ci: str | None, request_id: str) -> dict[str, str]:
    return {"reqIdPlatform": "", "reqIdConsumer": request_id, "ci": _text(ci)}


def member_request(
    *, partner_block: dict[str, str], ci: str | None, korean_name: str | None, request_id: str
) -> dict[str, Any]:
    """The body of the two common APIs (register/search and consent/search)."""
    return {
        "partner": partner_block,
        "commonHeader": common_header(ci, request_id),
        "body": {"korName": _text(korean_name)},
    }


def account_request(
    *,
    partner_block: dict[str, str],
    ci: str | None,
    request_id: str,
    device: dict[str, str],
    vt_acc_no: str,
    body_name: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    """The body of an account API call (balance, portfolio, transaction, interest)."""
    return {
        "partner": partner_block,
        "commonHeader": common_header(ci, request_id),
        "devInfo": device,
        "accInfo": {"vtAccNo": vt_acc_no},
        body_name: body,
    }


def balance_body(asset_type: str, count: int, page: str) -> tuple[str, dict[str, Any]]:
    return "balanceRequestBody", {
        "queryType": {"assetType": asset_type, "count": count, "page": page}
    }


def portfolio_body(asset_type: str, count: int, page: str) -> tuple[str, dict[str, Any]]:
    # RAT (ratios) is what this API is for; QTY is discouraged by the platform.
    return "portfolioRequestBody", {
        "queryType": {"assetType": asset_type, "rspType": "RAT", "count": count, "page": page}
    }


def transaction_body(
    start: datetime.date, end: datetime.date, count: int, page: str
) -> tuple[str, dict[str, Any]]:
    # isinCode "" and side "" ask for every instrument and every kind of movement.
    return "transactionHistoryRequestBody", {
        "queryParams": {
            "fromDate": start.strftime("%Y%m%d"),
            "toDate": end.strftime("%Y%m%d"),
            "isinCode": "",
            "side": "",
            "count": count,
            "page": page,
        }
    }


def interest_body() -> tuple[str, dict[str, Any]]:
    # queryType is honoured by one broker only; the others take it empty.
    return "interestSymbolListRequestBody", {
        "queryType": {"assetType": "", "rspType": "", "count": 0, "page": ""}
    }
