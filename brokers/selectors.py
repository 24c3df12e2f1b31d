"""Reads about brokers, connections and linked accounts, scoped to a user where they are theirs."""

from __future__ import annotations

from accounts.models import User
from brokers.models import Connection
from brokers.resilience.budgets import AppBudget, DailyBudget


def connection_for_user(user: User) -> Connection | None:
    """The user's open-platform connection, if they ever connected."""
    return (
        Connection.objects.for_user(user)
        .filter(upstream=Connection.Upstream.OPENPLATFORM)
        .select_related("user__identity")
        .first()
    )


def platform_budget_today() -> AppBudget | None:
    """The service's daily call budget as the platform last reported it (UTC day), for the
    scheduler to decide how much background work fits; None before the day's first answer."""
    return DailyBudget().read()
