from __future__ import annotations

import re

import pytest

from brokers.sandbox import catalog


def is_valid_isin(code: str) -> bool:
    """True when ``code`` is a 12-character ISIN whose check digit is correct."""
    if len(code) != 12 or not code[-1].isdigit():
        return False
    try:
        return catalog.isin_check_digit(code[:11]) == code[-1]
    except ValueError:
        return False


# ISINs printed in the seed's example payloads, plus two well-known ones.
PUBLISHED_ISINS = [
    "KR7122870009",
    "KR7028260008",
    "KR7001360007",
    "KR7011070000",
    "KR7017800004",
    "KR7176950004",
    "KR7143860005",
    "KR7138230008",
    "KR7205720006",
    "KR7000020008",
    "KR7000270009",
    "KR7000400002",
    "HK0000050325",
    "HK0000054723",
    "USU652221081",
    "US0378331005",
    "KR7005930003",
]


@pytest.mark.parametrize("isin", PUBLISHED_ISINS)
def test_check_digit_matches_published_isins(isin: str) -> None:
    assert catalog.isin_check_digit(isin[:11]) == isin[-1]
    assert is_valid_isin(isin)


@pytest.mark.parametrize(
    "code",
    ["KR7005930004", "KR700593000", "KR70059300033", "7KR005930003", "", "KR700593000X"],
)
def test_wrong_check_digits_and_malformed_codes_are_not_valid(code: str) -> None:
    assert not is_valid_isin(code)


def test_a_korean_share_isin_is_built_from_its_short_code() -> None:
    assert catalog.korean_equity_isin("005930") == "KR7005930003"
    assert catalog.korean_equity_isin("000660") == "KR7000660001"
    with pytest.raises(ValueError):
        catalog.korean_equity_isin("5930")


def test_every_equity_has_a_valid_kr7_isin_and_a_known_asset_type() -> None:
    for inst in catalog.EQUITIES:
        assert re.fullmatch(r"KR7\d{6}00\d", inst.isin), inst.isin
        assert is_valid_isin(inst.isin), inst.isin
        assert inst.asset_type in (catalog.KOSPI, catalog.KOSDAQ, catalog.ETF)
        assert inst.base_price > 0
        assert inst.name.strip()


def test_there_are_enough_distinct_equities_for_the_large_persona() -> None:
    isins = [inst.isin for inst in catalog.EQUITIES]
    assert len(set(isins)) == len(isins)
    assert len(isins) >= 560
    names = [inst.name for inst in catalog.EQUITIES]
    assert len(set(names)) == len(names)


def test_the_hand_written_list_has_real_looking_instruments_of_each_market() -> None:
    hand = catalog.HAND_WRITTEN_EQUITIES
    assert len(hand) >= 60
    by_type = {t: [i for i in hand if i.asset_type == t] for t in ("KSP", "KDQ", "ETF")}
    assert all(len(items) >= 10 for items in by_type.values())
    assert catalog.equity("KR7005930003").name == "삼성전자"
    assert catalog.equity("KR7069500007").name == "KODEX 200"
    assert not any(i.synthetic for i in hand)


def test_synthetic_equities_have_plausible_numbered_names() -> None:
    synthetic = [i for i in catalog.EQUITIES if i.synthetic]
    assert len(synthetic) == catalog.SYNTHETIC_EQUITY_COUNT
    assert all(re.fullmatch(r"\S+ \d+", i.name) for i in synthetic)
    assert all(i.asset_type in ("KSP", "KDQ") for i in synthetic)


def test_fund_names_are_cut_at_30_cp949_bytes_like_the_seed() -> None:
    for fund in catalog.FUNDS:
        assert len(fund.name.encode("cp949")) <= 30
        assert fund.full_name.startswith(fund.name)
        assert fund.code.startswith("KRZ") and len(fund.code) == 12
        assert fund.fund_type in (catalog.DOMESTIC_FUND, catalog.OVERSEAS_FUND)
    # The seed cuts the same way: "미래에셋고배당포커스증권자1호(".
    assert catalog.fund("KRZ501130563").name == "미래에셋고배당포커스증권자1호("
    assert catalog.DOMESTIC_FUNDS and catalog.OVERSEAS_FUNDS


def test_truncation_never_splits_a_character() -> None:
    assert catalog.truncate_bytes("가나다", 5) == "가나"
    assert catalog.truncate_bytes("AB가", 3) == "AB"
    assert catalog.truncate_bytes("AB가", 4) == "AB가"
    assert catalog.truncate_bytes("짧은이름", 30) == "짧은이름"


def test_other_products_use_the_platforms_asset_types_and_valid_codes() -> None:
    allowed = {"BOND", "CD", "CP", "DLS", "ELS", "STB", "RP", "CRP", "RRP", "WRT"}
    codes = [o.code for o in catalog.OTHERS]
    assert len(set(codes)) == len(codes)
    for product in catalog.OTHERS:
        assert product.asset_type in allowed
        assert is_valid_isin(product.code)
        assert 0 < product.annual_rate < 1
    assert catalog.HELD_BONDS and catalog.SHORT_TERM_OTHERS


def test_kind_of_tells_equities_funds_others_and_cash_apart() -> None:
    assert catalog.kind_of("KR7005930003") == "equity"
    assert catalog.kind_of(catalog.FUNDS[0].code) == "fund"
    assert catalog.kind_of(catalog.OTHERS[0].code) == "other"
    assert catalog.kind_of("") == "cash"
    assert catalog.kind_of("CASH") == "cash"
    with pytest.raises(KeyError):
        catalog.kind_of("KR7999999999")
