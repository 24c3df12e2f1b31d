"""The sandbox's instrument catalogue: equities, funds and other products.

Everything here is static, deterministic data built at import time, so that the sandbox's mock
accounts (``brokers.sandbox.data``) can refer to instruments by code and look up their names,
asset types and reference prices.

- ``EQUITIES``: about a hundred hand-written KOSPI (``KSP``), KOSDAQ (``KDQ``) and ETF (``ETF``)
  instruments with their real six-digit short codes, followed by synthetic ones ("가상전자 123")
  so that the large-account persona can hold more than 500 distinct equities. Every ISIN is
  ``KR7`` + short code + ``00`` + a correct check digit.
- ``FUNDS``: funds with a fund standard code (``KRZ…``), a full Korean name, a fund type
  (``02`` domestic, ``12`` overseas) and an optional maturity.
- ``OTHERS``: bonds, short-term bonds, CP, CD, ELS/ELB, DLS and RP products. The platform does
  not send an ISIN for these (``isinCode`` is "not yet supported" in ``etcList``), but they still
  need a stable code inside the sandbox so that transactions can name them; those codes are
  ``KR6…`` ISINs with a correct check digit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

KOSPI = "KSP"
KOSDAQ = "KDQ"
ETF = "ETF"

DOMESTIC_FUND = "02"
OVERSEAS_FUND = "12"


# --- ISIN ---------------------------------------------------------------------------------


def isin_check_digit(body: str) -> str:
    """Return the check digit for an 11-character ISIN body (country code + NSIN).

    Letters become two-digit numbers (A=10 … Z=35); the resulting digit string is checked with
    the Luhn algorithm, doubling every second digit counted from the right, starting with the
    rightmost one (the check digit itself will sit to its right).
    """
    if len(body) != 11 or not body.isascii() or not body.isalnum() or not body[:2].isalpha():
        raise ValueError(f"not an ISIN body: {body!r}")
    digits = "".join(str(int(ch, 36)) for ch in body.upper())
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def make_isin(body: str) -> str:
    """Append the check digit to an 11-character ISIN body."""
    return body + isin_check_digit(body)


def korean_equity_isin(short_code: str) -> str:
    """The ISIN of a Korean common share: ``KR7`` + six-digit short code + ``00`` + check."""
    if len(short_code) != 6 or not short_code.isdigit():
        raise ValueError(f"not a six-digit short code: {short_code!r}")
    return make_isin(f"KR7{short_code}00")


def truncate_bytes(text: str, limit: int = 30, encoding: str = "cp949") -> str:
    """Cut ``text`` to at most ``limit`` bytes in ``encoding`` without splitting a character.

    The brokers' back ends store names in fixed-width EUC-KR (cp949) fields: the seed's fund
    names are cut at 30 bytes ("…증권자1호(" or "…신탁1호[주"), i.e. 15 Korean characters,
    sometimes in the middle of a bracket. The sandbox reproduces that cut.
    """
    out: list[str] = []
    used = 0
    for ch in text:
        size = len(ch.encode(encoding, errors="replace"))
        if used + size > limit:
            break
        out.append(ch)
        used += size
    return "".join(out)


# --- Equities -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instrument:
    """A listed equity or ETF."""

    isin: str
    name: str
    asset_type: str  # KSP, KDQ or ETF
    base_price: Decimal  # reference price in won; the daily walk moves around it
    synthetic: bool = False

    @property
    def short_code(self) -> str:
        return self.isin[3:9]


# (short code, name, asset type, reference price in won). Prices are rough recent levels; the
# sandbox's walk moves them around, so they only set each instrument's order of magnitude.
_HAND_WRITTEN: tuple[tuple[str, str, str, int], ...] = (
    ("005930", "삼성전자", KOSPI, 72000),
    ("000660", "SK하이닉스", KOSPI, 185000),
    ("373220", "LG에너지솔루션", KOSPI, 370000),
    ("207940", "삼성바이오로직스", KOSPI, 820000),
    ("005380", "현대차", KOSPI, 225000),
    ("000270", "기아", KOSPI, 98000),
    ("068270", "셀트리온", KOSPI, 178000),
    ("005490", "POSCO홀딩스", KOSPI, 360000),
    ("035420", "NAVER", KOSPI, 185000),
    ("035720", "카카오", KOSPI, 43000),
    ("051910", "LG화학", KOSPI, 340000),
    ("006400", "삼성SDI", KOSPI, 390000),
    ("105560", "KB금융", KOSPI, 72000),
    ("055550", "신한지주", KOSPI, 47000),
    ("012330", "현대모비스", KOSPI, 235000),
    ("028260", "삼성물산", KOSPI, 142000),
    ("066570", "LG전자", KOSPI, 96000),
    ("003550", "LG", KOSPI, 81000),
    ("096770", "SK이노베이션", KOSPI, 112000),
    ("034730", "SK", KOSPI, 152000),
    ("015760", "한국전력", KOSPI, 21500),
    ("032830", "삼성생명", KOSPI, 82000),
    ("017670", "SK텔레콤", KOSPI, 52500),
    ("030200", "KT", KOSPI, 36500),
    ("033780", "KT&G", KOSPI, 91000),
    ("086790", "하나금융지주", KOSPI, 56000),
    ("316140", "우리금융지주", KOSPI, 14500),
    ("009150", "삼성전기", KOSPI, 142000),
    ("018260", "삼성에스디에스", KOSPI, 151000),
    ("010130", "고려아연", KOSPI, 510000),
    ("011200", "HMM", KOSPI, 18200),
    ("003670", "포스코퓨처엠", KOSPI, 265000),
    ("010950", "S-Oil", KOSPI, 71000),
    ("000810", "삼성화재", KOSPI, 325000),
    ("024110", "기업은행", KOSPI, 14200),
    ("090430", "아모레퍼시픽", KOSPI, 138000),
    ("251270", "넷마블", KOSPI, 56000),
    ("036570", "엔씨소프트", KOSPI, 198000),
    ("011170", "롯데케미칼", KOSPI, 98000),
    ("139480", "이마트", KOSPI, 66000),
    ("097950", "CJ제일제당", KOSPI, 298000),
    ("004020", "현대제철", KOSPI, 29500),
    ("042660", "한화오션", KOSPI, 28500),
    ("012450", "한화에어로스페이스", KOSPI, 235000),
    ("329180", "HD현대중공업", KOSPI, 152000),
    ("009540", "HD한국조선해양", KOSPI, 131000),
    ("000100", "유한양행", KOSPI, 72000),
    ("259960", "크래프톤", KOSPI, 248000),
    ("323410", "카카오뱅크", KOSPI, 24500),
    ("377300", "카카오페이", KOSPI, 36000),
    ("352820", "하이브", KOSPI, 201000),
    ("003490", "대한항공", KOSPI, 22500),
    ("006800", "미래에셋증권", KOSPI, 7600),
    ("000720", "현대건설", KOSPI, 33500),
    ("021240", "코웨이", KOSPI, 56000),
    ("271560", "오리온", KOSPI, 99000),
    ("001360", "삼성제약", KOSPI, 2400),
    ("011070", "LG이노텍", KOSPI, 215000),
    ("017800", "현대엘리베이터", KOSPI, 41000),
    ("000020", "동화약품", KOSPI, 8900),
    ("000400", "롯데손해보험", KOSPI, 2300),
    ("247540", "에코프로비엠", KOSDAQ, 248000),
    ("086520", "에코프로", KOSDAQ, 92000),
    ("196170", "알테오젠", KOSDAQ, 182000),
    ("028300", "HLB", KOSDAQ, 61000),
    ("263750", "펄어비스", KOSDAQ, 35500),
    ("293490", "카카오게임즈", KOSDAQ, 22500),
    ("035900", "JYP Ent.", KOSDAQ, 71000),
    ("041510", "에스엠", KOSDAQ, 81000),
    ("122870", "와이지엔터테인먼트", KOSDAQ, 41000),
    ("112040", "위메이드", KOSDAQ, 39500),
    ("145020", "휴젤", KOSDAQ, 198000),
    ("214150", "클래시스", KOSDAQ, 35000),
    ("058470", "리노공업", KOSDAQ, 205000),
    ("039030", "이오테크닉스", KOSDAQ, 168000),
    ("240810", "원익IPS", KOSDAQ, 30500),
    ("357780", "솔브레인", KOSDAQ, 252000),
    ("036930", "주성엔지니어링", KOSDAQ, 30500),
    ("078600", "대주전자재료", KOSDAQ, 81000),
    ("086900", "메디톡스", KOSDAQ, 152000),
    ("253450", "스튜디오드래곤", KOSDAQ, 45500),
    ("095340", "ISC", KOSDAQ, 61000),
    ("277810", "레인보우로보틱스", KOSDAQ, 152000),
    ("068760", "셀트리온제약", KOSDAQ, 81000),
    ("066970", "엘앤에프", KOSDAQ, 128000),
    ("069500", "KODEX 200", ETF, 35500),
    ("122630", "KODEX 레버리지", ETF, 18500),
    ("114800", "KODEX 인버스", ETF, 4550),
    ("252670", "KODEX 200선물인버스2X", ETF, 2450),
    ("102110", "TIGER 200", ETF, 35600),
    ("360750", "TIGER 미국S&P500", ETF, 18300),
    ("133690", "TIGER 미국나스닥100", ETF, 112000),
    ("305720", "KODEX 2차전지산업", ETF, 19800),
    ("381170", "TIGER 미국테크TOP10 INDXX", ETF, 15600),
    ("148070", "KOSEF 국고채10년", ETF, 112500),
    ("153130", "KODEX 단기채권", ETF, 105600),
    ("229200", "KODEX 코스닥150", ETF, 12100),
    ("091160", "KODEX 반도체", ETF, 35800),
    ("379800", "KODEX 미국S&P500TR", ETF, 15200),
    ("143860", "TIGER 헬스케어", ETF, 38000),
    ("138230", "KOSEF 미국달러선물", ETF, 12500),
)

# Synthetic equities exist so that one account can hold 500+ distinct instruments. Their short
# codes start at 950000, a range none of the hand-written codes uses, so ISINs never collide.
SYNTHETIC_EQUITY_COUNT = 480
_SYNTHETIC_FIRST_CODE = 950000
_SYNTHETIC_PREFIXES = (
    "가상전자",
    "모의바이오",
    "샘플화학",
    "테스트금융",
    "가상건설",
    "모의반도체",
    "샘플제약",
    "가상에너지",
    "모의식품",
    "샘플게임즈",
    "가상소재",
    "모의로보틱스",
)


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _synthetic_equities() -> tuple[Instrument, ...]:
    out = []
    for i in range(SYNTHETIC_EQUITY_COUNT):
        h = _stable_int(f"synthetic-equity:{i}")
        prefix = _SYNTHETIC_PREFIXES[h % len(_SYNTHETIC_PREFIXES)]
        asset_type = KOSPI if (h >> 8) % 100 < 55 else KOSDAQ
        # A spread of price levels from a few thousand won to a few hundred thousand.
        magnitude = (1000, 5000, 10000, 50000, 100000)[(h >> 16) % 5]
        base = magnitude + magnitude * ((h >> 24) % 400) // 100
        out.append(
            Instrument(
                isin=korean_equity_isin(f"{_SYNTHETIC_FIRST_CODE + i:06d}"),
                name=f"{prefix} {i + 1}",
                asset_type=asset_type,
                base_price=Decimal(base),
                synthetic=True,
            )
        )
    return tuple(out)


HAND_WRITTEN_EQUITIES: tuple[Instrument, ...] = tuple(
    Instrument(korean_equity_isin(code), name, asset_type, Decimal(price))
    for code, name, asset_type, price in _HAND_WRITTEN
)
EQUITIES: tuple[Instrument, ...] = HAND_WRITTEN_EQUITIES + _synthetic_equities()


# --- Funds --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fund:
    """A collective investment fund. Its price is a NAV per 1,000 units (기준가)."""

    code: str  # fund standard code, e.g. KRZ500395137
    full_name: str
    fund_type: str  # 02 domestic, 12 overseas
    base_nav: Decimal
    maturity: date | None = None

    @property
    def name(self) -> str:
        """The name as the platform sends it: cut at 30 cp949 bytes (15 Korean characters)."""
        return truncate_bytes(self.full_name, 30)


FUNDS: tuple[Fund, ...] = (
    Fund("KRZ500395137", "삼성중소형FOCUS증권자1호[주식]", DOMESTIC_FUND, Decimal("1000")),
    Fund("KRZ501130563", "미래에셋고배당포커스증권자1호(주식)", DOMESTIC_FUND, Decimal("1180")),
    Fund("KRZ501831187", "메리츠코리아증권투자신탁1호[주식]", DOMESTIC_FUND, Decimal("920")),
    Fund(
        "KRZ502214409",
        "KB스타코리아인덱스증권자(주식-파생형)",
        DOMESTIC_FUND,
        Decimal("1350"),
    ),
    Fund("KRZ502650218", "신한좋은아침희망증권자1호[주식]", DOMESTIC_FUND, Decimal("1040")),
    Fund("KRZ503117746", "트러스톤칭기스칸증권자[주식]", DOMESTIC_FUND, Decimal("1110")),
    Fund(
        "KRZ503428851",
        "하나공모주하이일드증권투자신탁[채권혼합]",
        DOMESTIC_FUND,
        Decimal("1005"),
        maturity=date(2028, 6, 30),
    ),
    Fund(
        "KRZ504012375",
        "피델리티글로벌테크놀로지증권자(주식-재간접형)",
        OVERSEAS_FUND,
        Decimal("1620"),
    ),
    Fund(
        "KRZ504399120",
        "미래에셋인도중소형포커스증권자1(주식)",
        OVERSEAS_FUND,
        Decimal("1410"),
    ),
    Fund("KRZ504871036", "KB통중국고배당증권자(주식)", OVERSEAS_FUND, Decimal("870")),
    Fund("KRZ505230447", "한화글로벌헬스케어증권자(주식)", OVERSEAS_FUND, Decimal("1230")),
    Fund("KRZ505716582", "삼성미국인덱스증권자H[주식-파생형]", OVERSEAS_FUND, Decimal("1760")),
    Fund(
        "KRZ506004913",
        "미래에셋글로벌리츠부동산자(재간접형)",
        OVERSEAS_FUND,
        Decimal("960"),
        maturity=date(2029, 12, 28),
    ),
)

DOMESTIC_FUNDS = tuple(f for f in FUNDS if f.fund_type == DOMESTIC_FUND)
OVERSEAS_FUNDS = tuple(f for f in FUNDS if f.fund_type == OVERSEAS_FUND)


# --- Other products -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OtherProduct:
    """A bond, CP, CD, ELS/ELB, DLS or RP: held by face value (or principal), accruing."""

    code: str  # sandbox-internal ISIN; the platform does not send it in etcList
    asset_type: str  # BOND, STB, CP, CD, ELS, DLS, RP, CRP, RRP
    name: str
    annual_rate: Decimal  # accrual rate, e.g. Decimal("0.0325")
    term_days: int | None = None  # redeemed this many days after purchase; None = held


# (asset type, name, annual rate in %, term in days or None)
_OTHERS: tuple[tuple[str, str, str, int | None], ...] = (
    ("BOND", "국고03250-2812(18-9)", "3.25", None),
    ("BOND", "국민주택1종24-03", "3.10", None),
    ("BOND", "한국전력1187", "3.55", None),
    ("BOND", "한국지역난방공사24-1", "3.62", None),
    ("BOND", "주택금융공사MBS2024-7(1-5)", "3.48", None),
    ("BOND", "서울도시철도공사채24-2", "3.41", None),
    ("STB", "현대캐피탈2045-1", "4.12", None),
    ("STB", "롯데카드512-2", "4.85", None),
    ("CP", "루미너스 20250612-91-4", "4.10", 91),
    ("CP", "루미너스 20250903-182-2", "4.35", 182),
    ("CP", "한결리스 20251120-364-7", "4.60", 364),
    ("CD", "국민은행CD 25-03", "3.30", 182),
    ("ELS", "삼성증권(ELS)24517", "6.20", 182),
    ("ELS", "NH투자증권(ELB)912", "3.10", 364),
    ("DLS", "미래에셋증권(DLS)1183", "5.40", 182),
    ("CRP", "약정식RP 91일", "3.00", 91),
    ("RRP", "수시입출RP", "2.60", None),
)

OTHERS: tuple[OtherProduct, ...] = tuple(
    OtherProduct(
        code=make_isin(f"KR6{910000 + i:06d}00"),
        asset_type=asset_type,
        name=name,
        annual_rate=Decimal(rate) / 100,
        term_days=term,
    )
    for i, (asset_type, name, rate, term) in enumerate(_OTHERS)
)

HELD_BONDS = tuple(o for o in OTHERS if o.asset_type == "BOND")
SHORT_TERM_OTHERS = tuple(o for o in OTHERS if o.term_days is not None)
OPEN_OTHERS = tuple(o for o in OTHERS if o.term_days is None and o.asset_type != "BOND")


# --- Lookup -------------------------------------------------------------------------------

_EQUITY_BY_ISIN = {i.isin: i for i in EQUITIES}
_FUND_BY_CODE = {f.code: f for f in FUNDS}
_OTHER_BY_CODE = {o.code: o for o in OTHERS}


def equity(isin: str) -> Instrument:
    return _EQUITY_BY_ISIN[isin]


def fund(code: str) -> Fund:
    return _FUND_BY_CODE[code]


def other(code: str) -> OtherProduct:
    return _OTHER_BY_CODE[code]


def kind_of(code: str) -> str:
    """``"equity"``, ``"fund"``, ``"other"`` or ``"cash"`` for a code used in transactions."""
    if code in _EQUITY_BY_ISIN:
        return "equity"
    if code in _FUND_BY_CODE:
        return "fund"
    if code in _OTHER_BY_CODE:
        return "other"
    if code in ("", "CASH"):
        return "cash"
    raise KeyError(code)
