"""The sandbox's preloaded people and the default fintech-service registration.

This module is plain data, importable anywhere (tests use it too);
``services.personas_seed`` (run by ``sandbox_seed`` and ``make run``) puts them in place
idempotently: running it again restores
each persona to the state described here (accounts linked, consent expired, account locked…)
without touching anything else. Their identity triples go through the identity stand-in like
anyone's, so the app's sandbox identity verification yields the same CIs.

=========  ===========  ========  ============  ==========================================
portal id  name         birth     phone         state
=========  ===========  ========  ============  ==========================================
hong       홍길동       19800101  01012345678   member; accounts at diamond (2), cyber (500+
                                                holdings) and star, all linked to Jasan. His
                                                CI is the one in the seed's example payloads
kim        김영희       19850505  01023456789   member with no virtual accounts, nothing linked
(none)     이철수       19900303  01034567890   not a member
park       박민지       19750707  01045678901   member; a diamond account whose consent to
                                                Jasan expired yesterday
choi       최준호       19950909  01056789012   member locked after five wrong passwords
                                                (a diamond account linked to Jasan)
=========  ===========  ========  ============  ==========================================

Every persona's portal password is ``sandbox1234``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from brokers.sandbox import identity
from brokers.sandbox.data import AccountProfile

PERSONA_PASSWORD = "sandbox1234"  # noqa: S105 - published sandbox test data  # nosec B105
DEFAULT_SERVICE_NAME = "자산 (Jasan)"


@dataclass(frozen=True, slots=True)
class Registration:
    """The app's registration with the sandbox: the credentials its settings hold."""

    client_id: str
    client_secret: str
    api_key: str
    com_id: str
    srv_id: str
    redirect_uri: str


def default_registration(settings: Any) -> Registration:
    """The registration the app's OPENPLATFORM_* settings describe; where the settings leave
    the credentials empty (the sandbox is off there), the sandbox's development values."""
    return Registration(
        client_id=settings.OPENPLATFORM_CLIENT_ID or "jasan-dev",
        client_secret=settings.OPENPLATFORM_CLIENT_SECRET or "jasan-dev-client-secret",
        api_key=settings.OPENPLATFORM_API_KEY or "jasan-dev-api-key",
        com_id=settings.OPENPLATFORM_COM_ID,
        srv_id=settings.OPENPLATFORM_SRV_ID,
        redirect_uri=settings.OPENPLATFORM_REDIRECT_URI,
    )


def default_return_urls(settings: Any) -> list[str]:
    """Where the portal may send people back to the app: the app's site and its OAuth
    callback's origins, each also under the other name of this machine (127.0.0.1 and
    localhost), so that they follow `WEB_PORT`."""
    urls: list[str] = []
    for address in (settings.JASAN_SITE_URL, settings.OPENPLATFORM_REDIRECT_URI):
        parts = urlsplit(address)
        hosts = [parts.netloc]
        if parts.hostname in ("127.0.0.1", "localhost"):
            port = f":{parts.port}" if parts.port else ""
            hosts = [f"127.0.0.1{port}", f"localhost{port}"]
        urls += [f"{parts.scheme}://{host}/" for host in hosts]
    return list(dict.fromkeys(urls))


@dataclass(frozen=True, slots=True)
class PersonaAccount:
    broker: str
    vt_acc_no: str
    profile: AccountProfile = AccountProfile.DEFAULT
    alias: str = ""


@dataclass(frozen=True, slots=True)
class Persona:
    kor_name: str
    birth_date: str  # YYYYMMDD
    phone: str
    portal_id: str | None  # None: not a member
    accounts: tuple[PersonaAccount, ...] = field(default_factory=tuple)
    consent_expired: bool = False
    locked: bool = False

    @property
    def ci(self) -> str:
        return identity.ci_for(self.kor_name, self.birth_date, self.phone)


PERSONAS: dict[str, Persona] = {
    "hong": Persona(
        "홍길동",
        "19800101",
        "01012345678",
        "hong",
        accounts=(
            PersonaAccount("diamond", "160678007213500001", alias="주식투자용"),
            PersonaAccount("diamond", "160731060768600001", alias="연금저축"),
            PersonaAccount("cyber", "160812345678900001", AccountProfile.LARGE, "대량 종목"),
            PersonaAccount("star", "160923456789000001", alias="스타 위탁"),
        ),
    ),
    "kim": Persona("김영희", "19850505", "01023456789", "kim"),
    "lee": Persona("이철수", "19900303", "01034567890", None),
    "park": Persona(
        "박민지",
        "19750707",
        "01045678901",
        "park",
        accounts=(PersonaAccount("diamond", "161034567890100001", alias="만료된 동의"),),
        consent_expired=True,
    ),
    "choi": Persona(
        "최준호",
        "19950909",
        "01056789012",
        "choi",
        accounts=(PersonaAccount("diamond", "161145678901200001", alias="잠긴 회원"),),
        locked=True,
    ),
    # A margin account: a loan and an unpaid receivable next to its holdings.
    "jung": Persona(
        "정미수",
        "19880808",
        "01067890123",
        "jung",
        accounts=(
            PersonaAccount("diamond", "161256789012300001", AccountProfile.MARGIN, "신용 계좌"),
        ),
    ),
}
