"""Template filters and tags for money, rates and dates (`{% load money %}`).

Amounts go through `{% amount %}` / `{% signed_amount %}`, which read the page's `privacy`
flag: in privacy mode they print a mask and the number never reaches the HTML. Rates and
weights use the plain filters; they are shown in privacy mode too.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from portfolio import formatting

register = template.Library()


@register.simple_tag(takes_context=True)
def amount(context: template.Context, value: Decimal | None) -> str:
    """ "1,234,567원", or a mask in privacy mode."""
    if context.get("privacy"):
        return formatting.MASK
    return formatting.krw(value)


@register.simple_tag(takes_context=True)
def signed_amount(context: template.Context, value: Decimal | None) -> str:
    """ "+12,345원" / "-12,345원", or a mask in privacy mode."""
    if context.get("privacy"):
        return formatting.MASK
    return formatting.krw(value, signed=True)


@register.simple_tag(takes_context=True)
def qty(context: template.Context, value: Decimal | None) -> str:
    """A quantity; masked in privacy mode, since quantity times price is an amount."""
    if context.get("privacy"):
        return formatting.MASK
    return formatting.quantity(value)


@register.filter
def pct(value: Decimal | None) -> str:
    """A rate in percent (as the platform sends it): "+3.21%"."""
    return formatting.percent(value)


@register.filter
def weight(value: Decimal | None) -> str:
    """A share in percent, unsigned: "12.50%"."""
    return formatting.percent(value, signed=False)


@register.filter
def frac_pct(value: Decimal | None) -> str:
    """A rate as a fraction (0.0321, as `portfolio.returns` gives them): "+3.21%"."""
    return formatting.fraction_percent(value)


@register.filter
def kdate(value: datetime.date | None) -> str:
    """ "2026. 11. 21." """
    if isinstance(value, datetime.datetime):
        value = value.date()
    return formatting.short_date(value)


@register.filter
def kdate_long(value: datetime.date | None) -> str:
    """ "2026년 11월 21일" """
    if isinstance(value, datetime.datetime):
        value = value.date()
    return formatting.long_date(value)


@register.filter
def trend(value: Any) -> str:
    """ "up", "down" or "flat", for the colour of a change."""
    return formatting.trend(value)


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """ "synced 5 minutes ago" ("5분 전 동기화"), "synced just now" under a minute."""
    if value is None:
        return gettext("not synced yet")
    if timezone.now() - value < datetime.timedelta(minutes=1):
        return gettext("synced just now")
    return gettext("synced %(time)s ago") % {"time": timesince(value, depth=1)}
