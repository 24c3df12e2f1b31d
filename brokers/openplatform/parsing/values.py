"""The platform's loose values, made exact: numbers, dates, codes, strings, blocks and lists.

A value may be missing, null, "null" or ""; numbers may be strings or scientific notation;
echoed strings carry stray spaces; field names vary between services. What cannot be understood
raises `ParseError`, naming the place in the payload but never a value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from brokers.errors import ParseError
from brokers.records import PageInfo

# A JSON number, written the way the platform writes numbers (digits, an optional fraction and
# exponent). ASCII only: `Decimal()` would also take "1_000", "NaN", "Infinity" and non-Latin
# digits, none of which is a number the platform sends. Thousands separators are not accepted:
# the platform does not use them, and "1,5" could be read two ways.
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DATE_RE = re.compile(r"[0-9]{8}", re.ASCII)
_BROKER_CODE_RE = re.compile(r"[0-9]{1,5}", re.ASCII)


# No amount, quantity or rate the platform can mean reaches 10^20 (the seeds' largest amount is
# about 3.9 * 10^11 KRW). Rejecting such values here gives a clear ParseError instead of an
# overflow deep in the database layer.
MAX_MAGNITUDE = Decimal("1E20")
_WIDE = Context(prec=60)
_ONE = Decimal(1)

_VT_ACC_NO_MAX_LENGTH = 30
_NO_MATURITY = "00000000"
_RESULT_BLOCKS = ("queryResult", "queryRequest")  # both spellings occur in the documentation


def is_no_value(value: Any) -> bool:
    """Missing, null, "null" (any case), "" and blank all mean: the platform gave no value."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return text == "" or text.lower() == "null"
    return False


def answer_root(d: Any) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise ParseError("answer is not a JSON object")
    return d


def field(block: Mapping[str, Any] | None, *names: str) -> Any:
    """The first of `names` that holds a value in `block`, else None."""
    if block is None:
        return None
    for name in names:
        value = block.get(name)
        if not is_no_value(value):
            return value
    return None


def sub_block(parent: Mapping[str, Any] | None, path: str, *names: str) -> Mapping[str, Any] | None:
    """An object-valued field; None when the platform left it out."""
    value = field(parent, *names)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ParseError("expected an object", path=path)
    return value


def item_list(parent: Mapping[str, Any] | None, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The objects of the list-valued field that ends `path`, each with its own path.

    Entries with no value are skipped. A lone object stands for a list of one (serializers
    converted from XML write one-element lists that way); an empty object for an empty list.
    """
    value = field(parent, path.rpartition(".")[2])
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(path, value)] if value else []
    if not isinstance(value, list):
        raise ParseError("expected a list", path=path)
    items = []
    for i, item in enumerate(value):
        if is_no_value(item):
            continue
        if not isinstance(item, Mapping):
            raise ParseError("expected an object in the list", path=f"{path}[{i}]")
        items.append((f"{path}[{i}]", item))
    return items


def string_value(value: Any, path: str) -> str | None:
    if is_no_value(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        # An integer is exact in JSON, so a code sent without quotes is still the same code.
        return str(value)
    raise ParseError("expected text", path=path)


def required_string(value: Any, path: str) -> str:
    text = string_value(value, path)
    if text is None:
        raise ParseError("required value is missing", path=path)
    return text


def code_text(value: Any, path: str) -> str | None:
    text = string_value(value, path)
    return None if text is None else text.upper()


def broker_code(value: Any, path: str) -> str:
    """A broker code as five digits: " 00002" and 2 both mean "00002"."""
    text = required_string(value, path)
    if not _BROKER_CODE_RE.fullmatch(text):
        raise ParseError("broker code is not up to five digits", path=path)
    return text.zfill(5)


def decimal_value(value: Any, path: str) -> Decimal | None:
    """An exact Decimal from a JSON number or a numeric string; None for no value."""
    if is_no_value(value):
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


def count_value(value: Any, path: str) -> int | None:
    number = decimal_value(value, path)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise ParseError("count is not a whole non-negative number", path=path)
    return int(number)


def date_value(value: Any, path: str) -> datetime.date | None:
    text = string_value(value, path)
    if text is None or text == _NO_MATURITY:
        return None
    if not _DATE_RE.fullmatch(text):
        raise ParseError("date is not YYYYMMDD", path=path)
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ParseError("date does not exist", path=path) from None


def page_info(body: Mapping[str, Any] | None, base: str) -> PageInfo:
    result = sub_block(body, f"{base}.queryResult", *_RESULT_BLOCKS)
    path = f"{base}.queryResult"
    return PageInfo(
        total_count=count_value(field(result, "totalCnt"), f"{path}.totalCnt"),
        count=count_value(field(result, "count"), f"{path}.count"),
        next_page=string_value(field(result, "page"), f"{path}.page"),
    )
