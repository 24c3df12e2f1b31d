"""The queryset every model of user data has: rows reached per user through their account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


# Default orderings name `account_id`, not `account`: ordering by the relation would join the
# linked account and its broker (their own ordering) into every query.


class AccountScopedQuerySet(models.QuerySet):
    """Rows that belong to a linked account, and through it to one user."""

    def for_user(self, user: User) -> AccountScopedQuerySet:
        return self.filter(account__user=user)
