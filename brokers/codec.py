"""JSON for our frozen record dataclasses, exact and without pickle.

Cached answers live in Redis, which other processes can write: pickle would let whoever can
write there run code in ours, and floats would lose money's digits. So records are written as
plain JSON with `Decimal`s as strings and dates in ISO form, and read back by following the
dataclasses' type hints. Anything that does not fit the hints raises `CodecError`.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

T = TypeVar("T")


class CodecError(ValueError):
    """The JSON does not describe a value of the expected type."""


def dumps(value: Any) -> str:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(kind: type[T], text: str | bytes) -> T:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CodecError("not JSON") from exc
    return _decode(kind, data)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _encode(getattr(value, field.name)) for field in _fields(type(value))}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # also datetime.datetime
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    raise CodecError(f"cannot encode a {type(value).__name__}")


@functools.cache
def _fields(kind: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(kind)


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _decode(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in typing.get_args(hint):
            return None
        choices = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(choices) != 1:
            raise CodecError("only optional values are supported among unions")
        return _decode(choices[0], data)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis or not isinstance(data, list):
            raise CodecError("expected a list for a variable-length tuple")
        return tuple(_decode(args[0], item) for item in data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise CodecError(f"expected an object for {hint.__name__}")
        hints = _hints(hint)
        try:
            return hint(**{f.name: _decode(hints[f.name], data[f.name]) for f in _fields(hint)})
        except KeyError as exc:
            raise CodecError(f"{hint.__name__} lacks a field") from exc
    return _decode_scalar(hint, data)


def _decode_scalar(hint: Any, data: Any) -> Any:
    if hint is Decimal and isinstance(data, str):
        try:
            number = Decimal(data)
        except InvalidOperation as exc:
            raise CodecError("not a decimal") from exc
        if not number.is_finite():
            raise CodecError("not a finite decimal")
        return number
    if hint is datetime.datetime and isinstance(data, str):
        return datetime.datetime.fromisoformat(data)
    if hint is datetime.date and isinstance(data, str):
        return datetime.date.fromisoformat(data)
    if hint in (str, bool) and isinstance(data, hint):
        return data
    if hint is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    raise CodecError(f"expected {getattr(hint, '__name__', hint)}")
