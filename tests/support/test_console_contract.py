"""Support sees an answer refused for naming another account: the run's kind and our message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brokers.models import SyncRun
from portfolio.sync.account import account_sync
from tests.brokers.conftest import scripted, scripted_client  # noqa: F401 - fixtures
from tests.brokers.payloads.balance import BALANCE_RESPONSE
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory

pytestmark = pytest.mark.django_db


def test_support_sees_a_contract_failure_with_its_kind_and_message(
    support_client,
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    identity = IdentityFactory(user__email="alice@example.com")
    ConnectionFactory(user=identity.user)
    account = LinkedAccountFactory(user=identity.user, vt_acc_no="160678007213599999")
    scripted.script = lambda request: Answer(200, BALANCE_RESPONSE)  # names …500001

    outcome = account_sync(
        account_id=account.pk, trigger=SyncRun.Trigger.USER, upstream=scripted_client
    )
    html = support_client.get(reverse("support_user", args=[identity.user.pk])).content.decode()

    assert outcome.failure_kind == "contract"
    assert 'data-state="failed" data-failure="contract"' in html
    assert "the answer names another virtual account than the one asked" in html
    assert "160678007213500001" not in html and "160678007213599999" not in html
