"""What a sync stores: instruments, holdings and their history, daily valuations, transactions,
watchlists.

Every row of user data hangs off a `brokers.LinkedAccount` and is reached per user through it:
each model's queryset has `for_user(user)`, and pages use it rather than a bare `objects`.
`Instrument` is reference data (public product codes and names) shared by every user.

Storage grows with changes, not with days × holdings:
- `Holding` is the current position of an account as of its latest sync, with its values.
- `HoldingPeriod` keeps the history of positions (quantity, purchase value, trade type) as
  validity intervals [valid_from, valid_to): a row is opened when a position appears or changes
  and closed when it changes or disappears, so an idle account adds no rows at all. Prices move
  every day, so daily amounts are kept per account in `DailyValuation`, not per holding.
- `DailyValuation` is one row per account per day with the broker's own totals.

Models work on PostgreSQL and on the SQLite fallback of embedded mode alike (no ArrayField, no
exclusion constraint); the writes in `portfolio.services` rely only on INSERT … ON CONFLICT.

Each concern is a module of this package; Django finds the models through the imports below.
"""

from portfolio.models.holdings import Holding, HoldingPeriod, HoldingsSnapshot, TradeType
from portfolio.models.instruments import (
    EQUITY_CLASSES,
    OTHER_CLASSES,
    AssetClass,
    Family,
    Instrument,
    asset_class_for,
)
from portfolio.models.querysets import AccountScopedQuerySet
from portfolio.models.transactions import Transaction, TransactionType
from portfolio.models.valuations import DailyValuation
from portfolio.models.watchlists import WatchGroup

__all__ = [
    "EQUITY_CLASSES",
    "OTHER_CLASSES",
    "AccountScopedQuerySet",
    "AssetClass",
    "DailyValuation",
    "Family",
    "Holding",
    "HoldingPeriod",
    "HoldingsSnapshot",
    "Instrument",
    "TradeType",
    "Transaction",
    "TransactionType",
    "WatchGroup",
    "asset_class_for",
]
