"""Ids taken from a request: ASCII digits only, within the database's bigint range.

Every view that reads an id from a URL, a query string or a form goes through here: path
converters (`<id:pk>`, registered by accounts.apps) and `parse_id` for parameters. Python's
`str.isdigit()` and `int()` accept other scripts' digits and superscripts ("²", "٣"), which
then fail somewhere deeper; here they are simply not ids.
"""

from __future__ import annotations

import re

from django.http import Http404

BIGINT_MAX = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The positive id `value` spells in ASCII digits, or None for anything else."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= BIGINT_MAX else None


def id_or_404(value: object) -> int:
    """The id `value` spells, or 404 (a request naming something that cannot exist)."""
    number = parse_id(value)
    if number is None:
        raise Http404("not an id")
    return number


class IdConverter:
    """Path converter for ids: the same rule as `parse_id` (a URL with another is a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            # Django's URL resolver takes ValueError as "this pattern does not match".
            raise ValueError(value)
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
