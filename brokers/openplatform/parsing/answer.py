"""The answer as a whole: its JSON text, its result code, and the account it echoes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from brokers.errors import BodyNotJSON, ContractError, ParseError, error_from_response
from brokers.openplatform.parsing.values import answer_root, field, string_value, sub_block

_SUCCESS_RE = re.compile(r"2[0-9]{2}", re.ASCII)  # respCode "200" (any 2xx is taken as success)
_HTTP_ERROR_RE = re.compile(r"[45][0-9]{2}", re.ASCII)  # a respCode that is an HTTP status


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


def parse_resp_code(d: Mapping[str, Any]) -> None:
    """Raise the mapped `PlatformError` when the answer reports a failure in its `resp` block.

    Account answers end with `"resp": {"respCode": "200", "respMsg": "OK"}`. A failure reported
    there is treated like a broker error sent as HTTP 500 with that code, unless the code is
    itself an HTTP status (4xx/5xx), which is then used as the status.
    """
    root = answer_root(d)
    resp = sub_block(root, "resp", "resp")
    if resp is None:
        return
    code = string_value(resp.get("respCode"), "resp.respCode")
    if code is None or _SUCCESS_RE.fullmatch(code):
        return
    message = string_value(resp.get("respMsg"), "resp.respMsg")
    if _HTTP_ERROR_RE.fullmatch(code):
        raise error_from_response(int(code), {"message": message})
    raise error_from_response(500, {"code": code, "message": message})


def check_account_echo(d: Mapping[str, Any], vt_acc_no: str) -> None:
    """Refuse an answer whose echoed `accInfo.vtAccNo` names another account than the one asked.

    The platform echoes `accInfo` ("반환"); when the echo is there and differs (after stripping
    the stray spaces echoes carry), the answer is not ours to store: `ContractError`. No echo
    (the block or the field missing, or no value) is accepted.
    """
    acc_info = sub_block(answer_root(d), "accInfo", "accInfo")
    echoed = string_value(field(acc_info, "vtAccNo"), "accInfo.vtAccNo")
    if echoed is not None and echoed != vt_acc_no.strip():
        raise ContractError("the answer names another virtual account than the one asked")
