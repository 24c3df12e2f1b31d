"""JSON text the way the open platform writes it.

``dumps(obj)`` serialises dicts, lists/tuples, str, bool, int, ``Decimal`` and ``None`` with
``ensure_ascii=False`` and compact separators. Floats are refused: the sandbox keeps money in
``Decimal`` end to end.

Numbers come in two styles, both taken from the seed's example payloads:

- A plain ``Decimal`` follows the platform's stated rule ("numbers that would need nine or more
  zeros use scientific notation"): below 1e9 in absolute value it is written in plain digits
  without a trailing ``.0`` (``12345``, ``-3.5``, ``0``); from 1e9 up it is written in
  scientific notation with at least one digit after the point (``3.69827563509E11``,
  ``1.0E10``, ``-1.2E9``). The transaction example follows this rule (``14399400``, ``120``).
- A ``Double`` (a ``Decimal`` subclass) is written the way Java's ``Double.toString`` writes a
  double, which is what the seed's balance and portfolio examples show: plain with at least one
  fractional digit between 1e-3 and 1e7 (``6976542.0``, ``-12.9``, ``0.0``, ``157.0``), and
  scientific notation outside that range (``9.816358E7``, ``1.0E10``, ``9.91452055E8``).

Either way ``json.loads(text, parse_float=Decimal)`` gives back a number equal to the original.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

_SCI_FROM = Decimal("1E9")
_DOUBLE_PLAIN_FROM = Decimal("1E-3")
_DOUBLE_PLAIN_BELOW = Decimal("1E7")
# A double carries about 17 significant decimal digits; more than that cannot be sent.
_DOUBLE_CTX = Context(prec=17, rounding=ROUND_HALF_EVEN)


class Double(Decimal):
    """A number the platform sends as a Java double (balance and portfolio amounts, counts)."""

    __slots__ = ()


def _scientific(value: Decimal) -> str:
    sign, digits, exponent = value.normalize().as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number: {value!r}")
    text = "".join(map(str, digits))
    power = len(text) - 1 + exponent
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{power}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("0", "-0") else text


def format_number(value: Decimal) -> str:
    """A plain ``Decimal`` in the platform's stated style (scientific from 1e9)."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if value.is_zero():
        return "0"
    if abs(value) >= _SCI_FROM:
        return _scientific(value)
    return _plain(value)


def format_double(value: Decimal) -> str:
    """A number as Java's ``Double.toString`` would write it."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if value.is_zero():
        return "0.0"
    value = _DOUBLE_CTX.plus(value)
    if _DOUBLE_PLAIN_FROM <= abs(value) < _DOUBLE_PLAIN_BELOW:
        text = _plain(value)
        return text if "." in text else text + ".0"
    return _scientific(value)


def _encode(obj: Any, out: list[str]) -> None:
    if obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif isinstance(obj, str):
        out.append(json.dumps(obj, ensure_ascii=False))
    elif isinstance(obj, Double):
        out.append(format_double(obj))
    elif isinstance(obj, Decimal):
        out.append(format_number(obj))
    elif isinstance(obj, int):
        out.append(str(obj))
    elif isinstance(obj, dict):
        out.append("{")
        for n, (key, value) in enumerate(obj.items()):
            if not isinstance(key, str):
                raise TypeError(f"object keys must be str, not {type(key).__name__}")
            if n:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _encode(value, out)
        out.append("}")
    elif isinstance(obj, list | tuple):
        out.append("[")
        for n, value in enumerate(obj):
            if n:
                out.append(",")
            _encode(value, out)
        out.append("]")
    else:
        # Floats land here on purpose: a float in a payload is a bug upstream of this module.
        raise TypeError(f"cannot serialise {type(obj).__name__} as platform JSON")


def dumps(obj: Any) -> str:
    """Serialise ``obj`` to the platform's JSON text (UTF-8 characters, compact)."""
    out: list[str] = []
    _encode(obj, out)
    return "".join(out)
