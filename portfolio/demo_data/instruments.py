"""The demo's instruments: real listed names first, then numbered ones, and a fund."""

from __future__ import annotations

from django.utils import timezone

from portfolio.models import (
    AssetClass,
    Family,
    Instrument,
)

# Real listed names make the demo readable; beyond them, numbered instruments are made up.
KNOWN = [
    ("KR7005930003", "삼성전자", "KSP"),
    ("KR7000660001", "SK하이닉스", "KSP"),
    ("KR7035420009", "NAVER", "KSP"),
    ("KR7035720002", "카카오", "KSP"),
    ("KR7005380001", "현대차", "KSP"),
    ("KR7068270008", "셀트리온", "KSP"),
    ("KR7051910008", "LG화학", "KSP"),
    ("KR7069500007", "KODEX 200", "ETF"),
    ("KR7360750004", "TIGER 미국S&P500", "ETF"),
    ("KR7086520004", "에코프로", "KDQ"),
    ("KR7247540008", "에코프로비엠", "KDQ"),
    ("KR7105560007", "KB금융", "KSP"),
]


def instruments_ensure(*, count: int, prefix: str = "") -> list[Instrument]:
    """`count` instruments: the known names first (when there is no prefix), then numbered
    ones. A `prefix` makes keys of their own, which the benchmark deletes afterwards.
    2 queries."""
    specs: list[tuple[str, str, str, str]] = []
    if not prefix:
        specs = [(key, key, name, code) for key, name, code in KNOWN[:count]]
    codes = ("KSP", "KSP", "KDQ", "ETF")
    for n in range(len(specs), count):
        key = f"{prefix}KR9{n:08d}0"
        specs.append((key, key, f"데모종목 {n + 1:03d}", codes[n % len(codes)]))
    asset_classes = {"KSP": AssetClass.KOSPI, "KDQ": AssetClass.KOSDAQ, "ETF": AssetClass.ETF}
    now = timezone.now()
    Instrument.objects.bulk_create(
        [
            Instrument(
                key=key,
                isin=isin,
                name=name,
                family=Family.EQUITY,
                asset_type=code,
                asset_class=asset_classes[code],
                updated_at=now,
            )
            for key, isin, name, code in specs
        ],
        ignore_conflicts=True,
    )
    by_key = Instrument.objects.in_bulk([spec[0] for spec in specs], field_name="key")
    return [by_key[spec[0]] for spec in specs]


def fund_ensure(prefix: str) -> Instrument:
    instrument, _ = Instrument.objects.get_or_create(
        key=f"{prefix}K55101BB1234",
        defaults={
            "isin": f"{prefix}K55101BB1234",
            "name": "데모 글로벌채권펀드",
            "family": Family.FUND,
            "asset_class": AssetClass.FUND,
            "updated_at": timezone.now(),
        },
    )
    return instrument
