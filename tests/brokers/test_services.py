"""Connection services: connect, refresh under a row lock (one token call), disconnect; links."""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from brokers import records
from brokers.errors import REAUTH_REQUIRED, TRANSIENT, PlatformError
from brokers.models import Connection, LinkedAccount
from brokers.services import (
    connection_connect,
    connection_disconnect,
    connection_ensure_fresh,
    connection_refresh,
    linked_accounts_record,
)
from tests.brokers.conftest import run_together
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, LinkedAccountFactory, UserFactory


def _token_answer(n: int) -> Answer:
    return Answer(
        200,
        {
            "access_token": f"access-{n}",
            "refresh_token": f"refresh-{n}",
            "token_type": "Bearer",
            "scope": "account",
            "expires_in": 2592000,
        },
    )


def _token_calls(scripted) -> list:
    return [r for r in scripted.requests if r.path == "/auth/oauth/v2/token"]


@pytest.mark.django_db
def test_connecting_stores_the_tokens_encrypted_and_reconnecting_reuses_the_row(
    scripted, scripted_client, alice
):
    answers = iter([_token_answer(1), _token_answer(2)])
    scripted.script = lambda request: next(answers)

    first = connection_connect(
        user=alice, code="c1", code_verifier="v" * 43, upstream=scripted_client
    )
    first.status = Connection.Status.RECONNECT_NEEDED
    first.save()
    second = connection_connect(
        user=alice, code="c2", code_verifier="v" * 43, upstream=scripted_client
    )

    assert first.pk == second.pk
    stored = Connection.objects.get(pk=first.pk)
    assert (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")
    assert stored.status == Connection.Status.ACTIVE
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM brokers_connection")
        raw = cursor.fetchone()
    assert "access-2" not in raw[0] and "refresh-2" not in raw[1]


@pytest.mark.django_db
def test_a_refresh_stores_the_rotated_refresh_token(scripted, scripted_client):
    connection = ConnectionFactory(access_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    old_access, old_refresh = connection.access_token, connection.refresh_token
    scripted.script = lambda request: _token_answer(7)

    fresh = connection_refresh(
        connection_id=connection.pk, stale_access_token=old_access, upstream=scripted_client
    )

    [call] = _token_calls(scripted)
    assert f"refresh_token={old_refresh}" in call.body.decode()
    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token) == ("access-7", "refresh-7")
    assert stored.access_expires_at > timezone.now() + datetime.timedelta(days=29)
    assert fresh.access_token == "access-7"


@pytest.mark.django_db
def test_no_refresh_happens_when_another_process_already_replaced_the_token(
    scripted, scripted_client
):
    connection = ConnectionFactory()

    fresh = connection_refresh(
        connection_id=connection.pk, stale_access_token="an-older-token", upstream=scripted_client
    )

    assert scripted.requests == []
    assert fresh.access_token == connection.access_token


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "kind", "status"),
    [
        # A refused grant: the user must connect again, and the connection says so.
        (Answer(400, {"error": "invalid_grant"}), REAUTH_REQUIRED, "reconnect_needed"),
        # A passing failure: retried later, the connection stays usable.
        (Answer(503, {"error": "temporarily_unavailable"}), TRANSIENT, "active"),
    ],
)
def test_a_failed_refresh_is_recorded_on_the_connection_and_raised(
    scripted, scripted_client, answer, kind, status
):
    connection = ConnectionFactory()
    scripted.script = lambda request: answer

    with pytest.raises(PlatformError) as failed:
        connection_refresh(
            connection_id=connection.pk,
            stale_access_token=connection.access_token,
            upstream=scripted_client,
        )

    assert failed.value.kind == kind
    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.status, stored.last_error_kind) == (status, kind)
    assert stored.refresh_token == connection.refresh_token  # kept: support sees it existed


@pytest.mark.django_db
def test_without_a_refresh_token_an_expiring_connection_needs_the_user(scripted, scripted_client):
    connection = ConnectionFactory(
        refresh_token=None, access_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    with pytest.raises(PlatformError) as failed:
        connection_ensure_fresh(connection=connection, upstream=scripted_client)

    assert failed.value.kind == REAUTH_REQUIRED
    assert scripted.requests == []
    assert Connection.objects.get(pk=connection.pk).status == Connection.Status.RECONNECT_NEEDED


@pytest.mark.django_db
def test_a_connection_far_from_expiry_is_used_as_it_is(scripted, scripted_client):
    connection = ConnectionFactory()

    assert connection_ensure_fresh(connection=connection, upstream=scripted_client) is connection
    assert scripted.requests == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_refreshing_one_expired_token_make_one_token_call_and_share_the_result(
    scripted, scripted_client
):
    connection = ConnectionFactory(access_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    stale = connection.access_token

    def slow_token(handler) -> bool:
        time.sleep(0.3)  # long enough for the second worker to be waiting on the lock
        return False

    scripted.script = lambda request: dataclasses.replace(_token_answer(9), before=slow_token)

    def worker(ready: threading.Barrier) -> str:
        ready.wait()
        fresh = connection_refresh(
            connection_id=connection.pk, stale_access_token=stale, upstream=scripted_client
        )
        return fresh.access_token

    results = run_together(2, worker)

    assert len(_token_calls(scripted)) == 1
    assert results == ["access-9", "access-9"]


@pytest.mark.django_db
def test_disconnecting_revokes_both_tokens_and_deletes_them(scripted, scripted_client):
    connection = ConnectionFactory()
    scripted.script = lambda request: Answer(200, {"result": "revoked"})

    connection_disconnect(connection_id=connection.pk, upstream=scripted_client)

    hints = [r.body.decode().split("token_type_hint=")[1] for r in scripted.requests]
    assert hints == ["refresh_token", "access_token"]
    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token, stored.status) == (
        None,
        None,
        Connection.Status.REVOKED,
    )
    assert stored.last_error_kind == ""


@pytest.mark.django_db
def test_disconnecting_deletes_the_tokens_even_when_the_platform_cannot_be_reached(
    scripted, scripted_client
):
    connection = ConnectionFactory()
    scripted.script = lambda request: Answer(503, {"message": "unavailable"})

    connection_disconnect(connection_id=connection.pk, upstream=scripted_client)

    stored = Connection.objects.get(pk=connection.pk)
    assert stored.access_token is None and stored.refresh_token is None
    assert stored.last_error_kind == TRANSIENT


@pytest.mark.django_db
def test_linked_accounts_follow_the_platforms_list(alice, bob):
    kept = LinkedAccountFactory(user=alice, vt_acc_no="160678007213500001", alias="old")
    gone = LinkedAccountFactory(user=alice, vt_acc_no="160678007213500002")
    bobs = LinkedAccountFactory(user=bob, vt_acc_no="160678007213500003")
    found = [
        records.LinkedAccount("99001", "160678007213500001", "주식투자용"),
        records.LinkedAccount("99002", "160678007213500004", None),
        records.LinkedAccount("00099", "160678007213500005", None),
    ]

    change = linked_accounts_record(user=alice, found=found)

    assert [a.vt_acc_no for a in change.added] == ["160678007213500004"]
    assert change.added[0].broker.short_name == "cyber"
    assert change.added[0].vt_acc_no_last4 == "0004"
    assert [a.pk for a in change.unlinked] == [gone.pk]
    assert change.unknown_broker_codes == ("00099",)
    kept.refresh_from_db()
    assert (kept.alias, kept.status) == ("주식투자용", LinkedAccount.Status.LINKED)
    bobs.refresh_from_db()
    assert bobs.status == LinkedAccount.Status.LINKED
    assert LinkedAccount.objects.for_user(alice).count() == 3


@pytest.mark.django_db
def test_an_account_listed_again_is_linked_again_without_a_duplicate():
    user = UserFactory()
    linked_accounts_record(user=user, found=[records.LinkedAccount("99001", "1234567890", None)])
    linked_accounts_record(user=user, found=[])

    change = linked_accounts_record(
        user=user, found=[records.LinkedAccount("99001", "1234567890", None)]
    )

    assert change.added == ()
    [account] = LinkedAccount.objects.for_user(user)
    assert account.status == LinkedAccount.Status.LINKED
