"""The sandbox's virtual brokers and what each of them offers.

The platform names three mock brokers for testing (seed ``000_…``: 다이아몬드 증권 ``diamond``,
사이버 증권 ``cyber``, 스타 증권 ``star``) but publishes no broker codes for them. The sandbox
gives them 5-digit codes outside the real registry (real codes run from 00002 to 00064), so
they can never be mistaken for a real broker: 99001, 99002 and 99003.

Each broker behaves differently on purpose, so a client meets the variety the real brokers show:

- ``diamond`` answers ``assetType=ALL`` in one go, pages per asset type by the request's ``count``
  (50 when the request says 0, at most 100), accepts ``rspType=QTY`` and any date window.
- ``cyber`` refuses ``ALL`` (6001) and ``QTY`` (6002), pages per asset type 20 items at a time
  with opaque page keys, and refuses transaction windows over 90 days (6006).
- ``star`` offers no balance and no interest-symbol service (6001, "service not supported"),
  only portfolio ratios (``ALL`` accepted) and transactions (windows up to 365 days, 30 rows
  a page).
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICES = ("balance", "portfolio", "transaction", "interest")


@dataclass(frozen=True, slots=True)
class VirtualBroker:
    short_name: str
    code: str
    kor_name: str
    services: frozenset[str]
    allow_all: bool
    allow_qty: bool
    default_count: int
    max_count: int
    max_days: int | None

    def offers(self, service: str) -> bool:
        return service in self.services


VIRTUAL_BROKERS: dict[str, VirtualBroker] = {
    broker.short_name: broker
    for broker in (
        VirtualBroker(
            short_name="diamond",
            code="99001",
            kor_name="다이아몬드증권",
            services=frozenset(SERVICES),
            allow_all=True,
            allow_qty=True,
            default_count=50,
            max_count=100,
            max_days=None,
        ),
        VirtualBroker(
            short_name="cyber",
            code="99002",
            kor_name="사이버증권",
            services=frozenset(SERVICES),
            allow_all=False,
            allow_qty=False,
            default_count=20,
            max_count=20,
            max_days=90,
        ),
        VirtualBroker(
            short_name="star",
            code="99003",
            kor_name="스타증권",
            services=frozenset({"portfolio", "transaction"}),
            allow_all=True,
            allow_qty=False,
            default_count=30,
            max_count=30,
            max_days=365,
        ),
    )
}

BROKER_CHOICES = [(b.short_name, b.kor_name) for b in VIRTUAL_BROKERS.values()]
