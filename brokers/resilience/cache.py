"""The short cache of balance and portfolio answers, stored as JSON in the shared store."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings

from brokers import codec
from brokers.resilience.stores import Store, default_store

T = TypeVar("T")

_CACHE_VERSION = 1  # bump when a cached record's shape changes


class AnswerCache:
    """Balance and portfolio answers per account for a few seconds, stored as JSON."""

    def __init__(self, *, store: Store | None = None, seconds: int | None = None) -> None:
        self._store = store or default_store()
        self.seconds = settings.OPENPLATFORM_CACHE_SECONDS if seconds is None else seconds

    @staticmethod
    def _key(service: str, account_key: str) -> str:
        return f"answer:v{_CACHE_VERSION}:{service}:{account_key}"

    def get(self, service: str, account_key: str, kind: type[T]) -> T | None:
        if not self.seconds:
            return None
        text = self._store.get(self._key(service, account_key))
        if text is None:
            return None
        try:
            return codec.loads(kind, text)
        except ValueError:
            # An entry written by another version of the code: a miss, not an error.
            return None

    def put(self, service: str, account_key: str, value: Any) -> None:
        if self.seconds:
            self._store.set(self._key(service, account_key), codec.dumps(value), self.seconds)
