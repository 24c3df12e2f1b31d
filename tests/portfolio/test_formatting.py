"""Money, rates and dates as the dashboard writes them, and the privacy-aware amount tag."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portfolio import formatting

D = Decimal


@pytest.fixture(autouse=True)
def korean():
    with translation.override("ko"):
        yield


def test_won_amounts_have_thousands_separators_and_the_won_suffix() -> None:
    assert formatting.krw(D("1234567")) == "1,234,567원"
    assert formatting.krw(D("0")) == "0원"
    assert formatting.krw(D("-98765.4")) == "-98,765원"
    assert formatting.krw(999) == "999원"


def test_amounts_round_half_to_even_to_whole_won() -> None:
    assert formatting.krw(D("1000.5")) == "1,000원"
    assert formatting.krw(D("1001.5")) == "1,002원"


def test_signed_changes_show_plus_for_gains_and_nothing_for_zero() -> None:
    assert formatting.krw(D("12345"), signed=True) == "+12,345원"
    assert formatting.krw(D("-12345"), signed=True) == "-12,345원"
    assert formatting.krw(D("0.4"), signed=True) == "0원"


def test_english_puts_the_won_sign_in_front() -> None:
    with translation.override("en"):
        assert formatting.krw(D("1234567")) == "₩1,234,567"
        assert formatting.krw(D("-5000"), signed=True) == "-₩5,000"
        assert formatting.short_date(datetime.date(2026, 11, 21)) == "2026-11-21"
        assert formatting.long_date(datetime.date(2026, 11, 21)) == "21 November 2026"


def test_rates_are_signed_percentages_with_two_decimals() -> None:
    assert formatting.percent(D("3.214")) == "+3.21%"
    assert formatting.percent(D("-0.005")) == "0.00%"  # rounds to zero: no "-0.00%"
    assert formatting.percent(D("-12.5")) == "-12.50%"
    assert formatting.percent(D("1234.5")) == "+1,234.50%"
    assert formatting.percent(D("12.5"), signed=False) == "12.50%"
    assert formatting.fraction_percent(D("0.0321")) == "+3.21%"
    assert formatting.fraction_percent(None) == "—"


def test_dates_are_written_as_koreans_write_them() -> None:
    day = datetime.date(2026, 11, 21)
    assert formatting.short_date(day) == "2026. 11. 21."
    assert formatting.long_date(day) == "2026년 11월 21일"
    assert formatting.short_date(datetime.date(2026, 1, 5)) == "2026. 1. 5."


def test_quantities_drop_trailing_zeros_and_group_thousands() -> None:
    assert formatting.quantity(D("10.000000")) == "10"
    assert formatting.quantity(D("0.500000")) == "0.5"
    assert formatting.quantity(D("1.0E10")) == "10,000,000,000"
    assert formatting.quantity(D("-1234.25")) == "-1,234.25"


def test_chart_numbers_are_whole_won_ints() -> None:
    assert formatting.won_number(D("1234567.5")) == 1234568
    assert formatting.won_number(None) is None


def test_the_amount_tag_masks_amounts_in_privacy_mode() -> None:
    template = Template(
        "{% load money %}{% amount v %}|{% signed_amount v %}|{% qty q %}|{{ r|pct }}"
    )
    shown = template.render(Context({"v": D("1500000"), "q": D("12"), "r": D("2.5")}))
    hidden = template.render(
        Context({"v": D("1500000"), "q": D("12"), "r": D("2.5"), "privacy": True})
    )
    assert shown == "1,500,000원|+1,500,000원|12|+2.50%"
    assert hidden == "•••••|•••••|•••••|+2.50%"


def test_trend_names_the_direction_of_a_change() -> None:
    assert formatting.trend(D("1")) == "up"
    assert formatting.trend(D("-1")) == "down"
    assert formatting.trend(D("0")) == "flat"
    assert formatting.trend(None) == "flat"
