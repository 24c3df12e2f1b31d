"""Small typed readers for environment variables.

Each reader fails loudly (`ImproperlyConfigured`) on a value it cannot understand instead of
quietly falling back, so a typo in production configuration stops the process at start-up.
A variable set to the empty string counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _read(name: str, default: T | _Required, parse: Callable[[str], T]) -> T:
    value = _raw(name)
    if value is None:
        if isinstance(default, _Required):
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    try:
        return parse(value)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is invalid: {exc}") from None


def env_str(name: str, default: str | _Required = REQUIRED) -> str:
    return _read(name, default, str)


def env_bool(name: str, default: bool | _Required = REQUIRED) -> bool:
    def parse(value: str) -> bool:
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"expected one of {sorted(_TRUE | _FALSE)}, got {value!r}")

    return _read(name, default, parse)


def env_int(
    name: str,
    default: int | _Required = REQUIRED,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    def parse(value: str) -> int:
        number = int(value)
        if minimum is not None and number < minimum:
            raise ValueError(f"must be at least {minimum}, got {number}")
        if maximum is not None and number > maximum:
            raise ValueError(f"must be at most {maximum}, got {number}")
        return number

    return _read(name, default, parse)


def env_list(name: str, default: list[str] | _Required = REQUIRED) -> list[str]:
    """A comma-separated list; blank items are dropped."""

    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            raise ValueError("the list is empty")
        return items

    return _read(name, default, parse)
