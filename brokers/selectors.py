"""Reads about brokers, connections and linked accounts, scoped to a user where they are theirs."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from brokers.models import Broker, Connection, LinkedAccount
from brokers.resilience import AppBudget, DailyBudget


def brokers_listed() -> QuerySet[Broker]:
    """Brokers to show: active ones, the virtual ones only where the sandbox is enabled."""
    return Broker.objects.listed()


def broker_by_code(code: str) -> Broker | None:
    """The broker with this five-digit code (" 00002" and "2" are read as "00002")."""
    code = code.strip()
    if not code.isdigit() or len(code) > 5:
        return None
    return Broker.objects.filter(code=code.zfill(5)).first()


def connection_for_user(user: User) -> Connection | None:
    """The user's open-platform connection, if they ever connected."""
    return (
        Connection.objects.for_user(user)
        .filter(upstream=Connection.Upstream.OPENPLATFORM)
        .select_related("user__identity")
        .first()
    )


def linked_accounts_for_user(user: User) -> QuerySet[LinkedAccount]:
    return LinkedAccount.objects.for_user(user).select_related("broker")


def platform_budget_today() -> AppBudget | None:
    """The service's daily call budget as the platform last reported it (UTC day), for the
    scheduler to decide how much background work fits; None before the day's first answer."""
    return DailyBudget().read()
