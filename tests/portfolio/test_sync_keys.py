"""RELIABILITY property 10: with a wrong encryption key, decryption raises and no upstream call
goes out (the sandbox's own call counter proves it), and nothing stored changes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from accounts.encryption import DecryptionError
from brokers.models import SyncRun
from portfolio.models import DailyValuation, Holding
from portfolio.sync.account import account_sync

pytestmark = pytest.mark.django_db


def test_a_wrong_key_stops_a_sync_before_any_upstream_call(hong, on_sandbox, settings):
    account = hong.at("diamond")
    before = on_sandbox.set_budget()["remaining"]
    settings.JASAN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError):
        account_sync(account_id=account.pk, trigger=SyncRun.Trigger.USER)

    assert on_sandbox.set_budget()["remaining"] == before
    assert not Holding.objects.filter(account=account).exists()
    assert not DailyValuation.objects.filter(account=account).exists()
