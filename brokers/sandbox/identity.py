"""The sandbox's stand-in for phone identity verification (휴대폰 본인확인).

A real verification provider issues a person's CI (연계정보): an 88-character base64 string that
is the same for that person everywhere. The sandbox derives it deterministically from the
(Korean name, birth date, phone number) triple, so the same made-up person gets the same CI on
every machine and in every run: base64 of an HMAC-SHA-512 (64 bytes → 88 characters) of the
normalised triple under a fixed, public sandbox key.

One triple is special: the documentation's example member. Its CI is the one printed in the
seed's example payloads, so the seed's request examples can be posted verbatim and answered.

``ci_for(kor_name, birth_date, phone)`` is the pure function; ``POST /sandbox/identity/verify``
(``views.identity``) exposes it over HTTP for the app's sandbox identity backend.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Public on purpose: the sandbox's CIs are test data, and anyone may recompute them.
_CI_KEY = b"jasan-sandbox-identity-verification-v1"

# The CI printed in the seed's example payloads, and the made-up person it belongs to here.
SEED_CI = "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
SEED_PERSON = ("홍길동", "19800101", "01012345678")

_HANGUL_NAME_RE = re.compile(r"^[가-힣]{2,10}$")
_PHONE_RE = re.compile(r"^01[016789]\d{7,8}$")


class IdentityError(ValueError):
    """A triple that a verification provider would not accept; the message is Korean UI text."""


@dataclass(frozen=True, slots=True)
class VerifiedPerson:
    kor_name: str
    birth_date: date
    phone: str
    ci: str


def normalise(kor_name: str, birth_date: str, phone: str) -> tuple[str, str, str]:
    """The triple as the provider compares it: NFC name, YYYYMMDD, digits-only phone."""
    name = unicodedata.normalize("NFC", kor_name).strip()
    birth = re.sub(r"[^0-9]", "", birth_date)
    digits = re.sub(r"[^0-9]", "", phone)
    if not _HANGUL_NAME_RE.match(name):
        raise IdentityError("이름은 한글 2~10자로 입력하세요.")
    if len(birth) != 8:
        raise IdentityError("생년월일은 YYYYMMDD 형식으로 입력하세요.")
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        raise IdentityError("생년월일이 올바른 날짜가 아닙니다.") from None
    if born.year < 1900:
        raise IdentityError("생년월일이 올바른 날짜가 아닙니다.")
    if not _PHONE_RE.match(digits):
        raise IdentityError("휴대폰 번호는 010으로 시작하는 10~11자리 숫자로 입력하세요.")
    return name, birth, digits


def ci_for(kor_name: str, birth_date: str, phone: str) -> str:
    """The 88-character CI of a person, always the same for the same (normalised) triple."""
    triple = normalise(kor_name, birth_date, phone)
    if triple == SEED_PERSON:
        return SEED_CI
    message = "\x1f".join(triple).encode()
    return base64.b64encode(hmac.new(_CI_KEY, message, hashlib.sha512).digest()).decode("ascii")


def verify(kor_name: str, birth_date: str, phone: str) -> VerifiedPerson:
    """Verify a triple as the provider would and return the person with their CI."""
    name, birth, digits = normalise(kor_name, birth_date, phone)
    return VerifiedPerson(
        kor_name=name,
        birth_date=date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
        phone=digits,
        ci=ci_for(name, birth, digits),
    )


def clean_ci(value: object) -> str:
    """A CI as received in a request: echoed values carry stray spaces, so they are stripped."""
    return value.strip() if isinstance(value, str) else ""
