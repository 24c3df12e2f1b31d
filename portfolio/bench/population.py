"""The bench's population: sandbox members with one account each, connected to bench users."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Identity, User
from brokers.demo import portal_connect
from brokers.models import LinkedAccount
from brokers.openplatform.client import OpenPlatformClient
from brokers.services import linked_accounts_record
from portfolio.bench.sandbox import Sandbox

BENCH_DOMAIN = "bench.jasan.invalid"


# (broker, sandbox profile, how many): most accounts trade on 7-18 % of trading days.
POPULATION = (
    ("diamond", "default", 10),
    ("cyber", "default", 5),
    ("star", "default", 4),
    ("diamond", "large", 1),
)


@dataclass
class Sample:
    """One counted sync."""

    broker: str
    holdings: int
    calls: int
    cpu: float
    moved: bool
    read_transactions: bool
    read_watchlist: bool


@dataclass
class Bench:
    samples: list[Sample] = field(default_factory=list)
    accounts: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (broker, profile)


def population_create(sandbox: Sandbox, client: OpenPlatformClient, bench: Bench) -> None:
    """Sandbox members of `POPULATION` with one account each, and a bench user of ours
    connected to each through the real OAuth flow; their accounts go into `bench`."""
    serial = 0
    for broker, profile, count in POPULATION:
        for _ in range(count):
            serial += 1
            member = sandbox.control(
                "member",
                kor_name="벤치" + "가나다라마바사아자차카타파하"[serial % 14] * 2,
                birth_date="19900101",
                phone=f"0109{secrets.randbelow(10**7):07d}",
                portal_id=f"bench{os.getpid()}{serial:03d}",
                password="bench-password-1",  # noqa: S106 - a throwaway sandbox member  # nosec B106
                accounts=[{"broker": broker, "profile": profile, "linked": True}],
            )
            user = User.objects.create(email=f"user{serial:03d}@{BENCH_DOMAIN}")
            identity = Identity.objects.create(
                user=user,
                ci=member["ci"],
                korean_name="벤치",
                verified_at=timezone.now(),
            )
            portal_connect(
                user=user,
                portal_id=member["portal_id"],
                password="bench-password-1",  # noqa: S106  # nosec B106
                upstream=client,
            )
            linked_accounts_record(user=user, found=client.linked_accounts(identity))
            for account in LinkedAccount.objects.for_user(user):
                bench.accounts[account.pk] = (broker, profile)
