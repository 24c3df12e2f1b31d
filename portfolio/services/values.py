"""Values of an answer at their columns' scale, and the columns' widths."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Field, Model

from portfolio.fields import MONEY, QUANTITY, RATE, DecimalSpec

ZERO = Decimal(0)
_WIDE = Context(prec=60, rounding=ROUND_HALF_EVEN)


def max_length(model: type[Model], name: str) -> int:
    """A text column's width, read from the model so that the two cannot drift apart."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length")
    return field.max_length


def _fit(value: Decimal | None, spec: DecimalSpec) -> Decimal | None:
    """`value` at its column's scale, or None; a value the column cannot hold raises."""
    if value is None:
        return None
    if not value.is_finite():
        raise ValueError("a non-finite number cannot be stored")
    places = spec.decimal_places
    fitted = value.quantize(Decimal(1).scaleb(-places), context=_WIDE)
    if fitted != 0 and fitted.adjusted() >= spec.max_digits - places:
        raise ValueError(f"a value of magnitude 10^{fitted.adjusted()} does not fit its column")
    return fitted


def as_money(value: Decimal | None) -> Decimal | None:
    return _fit(value, MONEY)


def as_quantity(value: Decimal | None) -> Decimal | None:
    return _fit(value, QUANTITY)


def as_rate(value: Decimal | None) -> Decimal | None:
    return _fit(value, RATE)


def sum_known(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values that are known; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known, ZERO) if known else None


def clean_text(value: str | None, length: int) -> str:
    return " ".join((value or "").split())[:length]
