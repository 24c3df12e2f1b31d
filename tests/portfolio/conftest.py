"""Fixtures for the portfolio tests: the live sandbox's connected persona (shared with the
brokers tests) and Celery workers pointed at the sandbox (`sync_support`)."""

from tests.brokers.conftest import hong, platform
from tests.portfolio.sync_support import own_worker, sync_worker

__all__ = ["hong", "own_worker", "platform", "sync_worker"]
