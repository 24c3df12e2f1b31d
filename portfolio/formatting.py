"""How money, rates and dates are written on the dashboard.

Pure functions from `Decimal` (never float) to text, used by the template filters in
`portfolio.templatetags.money` and by the tests. Korean is the default: "1,234,567원",
"+12,345원", "+3.21%", "2026. 11. 21.". English writes the won sign in front ("₩1,234,567").
Rounding is half-even to whole won, as amounts are stored (whole won in practice).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import get_language

# Shown in place of an amount in privacy mode, and where a value is unknown. Neither contains
# a digit, so a page in privacy mode has no number that could be read as money.
MASK = "•••••"
UNKNOWN = "—"
# The minus sign Korean finance pages use is the ASCII hyphen-minus; kept so numbers stay
# copyable into a spreadsheet.
MINUS = "-"

_WON = Decimal(1)
_HUNDREDTH = Decimal("0.01")


def _korean() -> bool:
    return (get_language() or "ko").split("-")[0] == "ko"


def _grouped(value: Decimal) -> str:
    """Whole won with thousands separators, without a sign."""
    whole = abs(value).quantize(_WON, rounding=ROUND_HALF_EVEN)
    return f"{int(whole):,}"


def _signed_prefix(value: Decimal, *, plus: bool) -> str:
    rounded = value.quantize(_WON, rounding=ROUND_HALF_EVEN)
    if rounded < 0:
        return MINUS
    if plus and rounded > 0:
        return "+"
    return ""


def krw(value: Decimal | int | None, *, signed: bool = False) -> str:
    """ "1,234,567원" (Korean) or "₩1,234,567"; with `signed`, gains get a "+" ("+12,345원").
    Losses always show their minus; zero has no sign. None is "—"."""
    if value is None:
        return UNKNOWN
    amount = Decimal(value)
    prefix = _signed_prefix(amount, plus=signed)
    if _korean():
        return f"{prefix}{_grouped(amount)}원"
    return f"{prefix}₩{_grouped(amount)}"


def won_number(value: Decimal | None) -> int | None:
    """Whole won as an int, for chart data and CSV cells (no separators, no float)."""
    if value is None:
        return None
    return int(value.quantize(_WON, rounding=ROUND_HALF_EVEN))


def percent(value: Decimal | None, *, signed: bool = True, places: int = 2) -> str:
    """A rate given in percent (12.5 means 12.5 %) as "+12.50%". None is "—"."""
    if value is None:
        return UNKNOWN
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(exponent, rounding=ROUND_HALF_EVEN)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00%"
    sign = "+" if signed and rounded > 0 else ""
    text = f"{abs(rounded):,.{places}f}"
    return f"{MINUS if rounded < 0 else sign}{text}%"


def fraction_percent(value: Decimal | None, *, signed: bool = True, places: int = 2) -> str:
    """A rate given as a fraction (0.0321) as "+3.21%", as `portfolio.returns` computes them."""
    if value is None:
        return UNKNOWN
    return percent(Decimal(value) * 100, signed=signed, places=places)


def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros: 10 shares, 0.5 units, 10,000,000,000 (a bond's face)."""
    if value is None:
        return UNKNOWN
    normalized = Decimal(value).normalize()
    if normalized == normalized.to_integral_value():
        return f"{int(normalized):,}"
    whole, _, fraction = f"{normalized:f}".partition(".")
    return f"{int(whole):,}.{fraction}" if whole != "-0" else f"-0.{fraction}"


def short_date(value: datetime.date | None) -> str:
    """ "2026. 11. 21." as Koreans write a date; "2026-11-21" in English."""
    if value is None:
        return UNKNOWN
    if _korean():
        return f"{value.year}. {value.month}. {value.day}."
    return value.isoformat()


def long_date(value: datetime.date | None) -> str:
    """ "2026년 11월 21일"; "21 November 2026" in English."""
    if value is None:
        return UNKNOWN
    if _korean():
        return f"{value.year}년 {value.month}월 {value.day}일"
    return f"{value.day} {value:%B} {value.year}"


def trend(value: Decimal | None) -> str:
    """ "up", "down" or "flat": the CSS class of a change (Korean colours: red up, blue down)."""
    if value is None or value == 0:
        return "flat"
    return "up" if value > 0 else "down"
