"""Typed constructors for the decimal columns: money, quantities and rates.

Each column kind has one width, declared once here. The constructors exist so that the type
checker sees what a column holds: a model reading `holding.current_value` gets `Decimal | None`
for a nullable column and `Decimal` for one with a default, which `DecimalField(**MONEY)` could
not tell it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, overload

from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    # What the type checker sees of a column; Django's fields are not subscriptable at run time.
    _Settable = Decimal | int | float | str | Combinable
    Nullable = models.DecimalField[_Settable | None, Decimal | None]
    Required = models.DecimalField[_Settable, Decimal]


@dataclass(frozen=True)
class DecimalSpec:
    """The width of a decimal column: total digits and digits after the point."""

    max_digits: int
    decimal_places: int

    def output_field(self) -> models.DecimalField[Any, Decimal]:
        """A field of this width for annotating a query expression."""
        return models.DecimalField(max_digits=self.max_digits, decimal_places=self.decimal_places)


# The parser (`brokers.openplatform.parsing`) accepts magnitudes below 10^20, so every column
# keeps twenty integer digits: nothing it lets through can overflow a write and fail a sync.
# PostgreSQL stores numerics by their actual digits, so the declared width costs nothing.
# Money is KRW, whole won in practice; four decimals are kept for brokers that send fractions.
MONEY = DecimalSpec(max_digits=24, decimal_places=4)
# Quantities: shares, fund units or a face value in won (1.0E10 is common for bonds).
QUANTITY = DecimalSpec(max_digits=26, decimal_places=6)
# Rates and weights in percent, as the platform sends them (earningRate, portfolio qty).
RATE = DecimalSpec(max_digits=26, decimal_places=6)


def _field(
    spec: DecimalSpec, verbose_name: StrOrPromise, *, null: bool, **options: Any
) -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        verbose_name,
        max_digits=spec.max_digits,
        decimal_places=spec.decimal_places,
        null=null,
        blank=null,
        **options,
    )


@overload
def money_field(
    verbose_name: StrOrPromise, *, null: Literal[True], help_text: StrOrPromise = ...
) -> Nullable: ...
@overload
def money_field(
    verbose_name: StrOrPromise, *, default: Decimal, help_text: StrOrPromise = ...
) -> Required: ...
def money_field(
    verbose_name: StrOrPromise, *, null: bool = False, **options: Any
) -> models.DecimalField[Any, Any]:
    """A KRW amount; nullable columns are also optional in forms and the admin."""
    return _field(MONEY, verbose_name, null=null, **options)


@overload
def quantity_field(
    verbose_name: StrOrPromise, *, null: Literal[True], help_text: StrOrPromise = ...
) -> Nullable: ...
@overload
def quantity_field(
    verbose_name: StrOrPromise, *, default: Decimal, help_text: StrOrPromise = ...
) -> Required: ...
def quantity_field(
    verbose_name: StrOrPromise, *, null: bool = False, **options: Any
) -> models.DecimalField[Any, Any]:
    """A number of shares or units, or a bond's face value."""
    return _field(QUANTITY, verbose_name, null=null, **options)


@overload
def rate_field(
    verbose_name: StrOrPromise, *, null: Literal[True], help_text: StrOrPromise = ...
) -> Nullable: ...
@overload
def rate_field(
    verbose_name: StrOrPromise, *, default: Decimal, help_text: StrOrPromise = ...
) -> Required: ...
def rate_field(
    verbose_name: StrOrPromise, *, null: bool = False, **options: Any
) -> models.DecimalField[Any, Any]:
    """A rate or weight in percent."""
    return _field(RATE, verbose_name, null=null, **options)
