"""OAuth against the live sandbox: our authorize URL, exchange, rotation, revoke, one refresh."""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from brokers import services
from brokers.call_log import UPSTREAM_LOGGER
from brokers.errors import REAUTH_REQUIRED, PlatformError
from brokers.models import Connection
from brokers.services import connection_disconnect, connection_refresh
from portfolio.sync.account import account_sync
from tests.brokers.conftest import run_together
from tests.sandbox_server import query_of

pytestmark = pytest.mark.django_db


def _code(platform, sandbox) -> tuple[str, str]:
    request = platform.authorization_url()
    callback = query_of(sandbox.login_and_consent(request.url, username="hong"))
    assert callback["state"] == request.state
    return callback["code"], request.code_verifier


def test_our_authorize_url_is_accepted_and_its_code_exchanged_with_the_kept_verifier(
    platform, sandbox
):
    request = platform.authorization_url()
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["state"] == request.state

    callback = query_of(sandbox.login_and_consent(request.url, username="hong"))
    tokens = platform.exchange_code(code=callback["code"], code_verifier=request.code_verifier)

    assert callback["state"] == request.state
    assert tokens.token_type.lower() == "bearer"
    assert tokens.scope == "account"
    assert tokens.refresh_token


def test_a_wrong_verifier_or_a_reused_code_is_refused_as_reauth_required(platform, sandbox):
    code, verifier = _code(platform, sandbox)
    with pytest.raises(PlatformError) as wrong_verifier:
        platform.exchange_code(code=code, code_verifier="x" * 64)

    code, verifier = _code(platform, sandbox)
    platform.exchange_code(code=code, code_verifier=verifier)
    with pytest.raises(PlatformError) as reused:
        platform.exchange_code(code=code, code_verifier=verifier)

    assert wrong_verifier.value.kind == REAUTH_REQUIRED
    assert (reused.value.kind, reused.value.permanent) == (REAUTH_REQUIRED, True)


def test_a_refresh_rotates_both_tokens_and_the_old_refresh_token_is_dead(platform, hong):
    old_access, old_refresh = hong.connection.access_token, hong.connection.refresh_token

    fresh = connection_refresh(
        connection_id=hong.connection.pk, stale_access_token=old_access, upstream=platform
    )

    stored = Connection.objects.get(pk=hong.connection.pk)
    assert stored.access_token == fresh.access_token != old_access
    assert stored.refresh_token == fresh.refresh_token != old_refresh
    groups = platform.watchlist(stored, hong.accounts["160678007213500001"])
    assert groups
    with pytest.raises(PlatformError) as reused:
        platform.refresh(refresh_token=old_refresh)
    assert reused.value.kind == REAUTH_REQUIRED


def test_an_expired_access_token_is_reported_as_reauth_required(platform, sandbox, hong):
    sandbox.expire_token(hong.connection.access_token)

    with pytest.raises(PlatformError) as failed:
        platform.watchlist(hong.connection, hong.accounts["160678007213500001"])

    assert (failed.value.kind, failed.value.http_status) == (REAUTH_REQUIRED, 401)


def test_disconnecting_revokes_at_the_platform_and_a_second_revoke_is_still_success(platform, hong):
    access = hong.connection.access_token

    connection_disconnect(connection_id=hong.connection.pk, upstream=platform)

    stored = Connection.objects.get(pk=hong.connection.pk)
    assert (stored.access_token, stored.refresh_token) == (None, None)
    assert stored.last_error_kind == ""  # the platform confirmed both revocations
    hong.connection.access_token = access
    with pytest.raises(PlatformError) as refused:
        platform.watchlist(hong.connection, hong.accounts["160678007213500001"])
    assert refused.value.kind == REAUTH_REQUIRED
    platform.revoke(token=access)  # already dead: a 200, so no error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_with_an_expired_token_make_one_token_call_and_both_use_the_new_token(
    platform, sandbox, hong, caplog
):
    caplog.set_level(logging.INFO)
    stale = hong.connection.access_token
    sandbox.expire_token(stale)
    account = hong.accounts["160678007213500001"]

    def worker(ready: threading.Barrier) -> str:
        connection = Connection.objects.get(pk=hong.connection.pk)
        with pytest.raises(PlatformError) as refused:
            platform.watchlist(connection, account)
        assert refused.value.kind == REAUTH_REQUIRED
        ready.wait()
        fresh = connection_refresh(
            connection_id=connection.pk, stale_access_token=stale, upstream=platform
        )
        platform.watchlist(fresh, account)  # the new token works for both
        return fresh.access_token

    used = run_together(2, worker)

    refreshes = [
        r for r in caplog.records if r.name == UPSTREAM_LOGGER and r.upstream_service == "refresh"
    ]
    assert len(refreshes) == 1
    assert used[0] == used[1] != stale


def test_a_crash_after_the_platform_rotated_the_refresh_token_shows_reconnect_never_silence(
    platform, hong, client, monkeypatch, on_sandbox
):
    """The platform rotates the refresh token, and we die before our commit: the rotated pair
    is lost. The next refresh sends the old refresh token, the platform refuses it, and the
    connection says "reconnect" (the link page shows it); it is never left looking healthy."""
    old_access = hong.connection.access_token

    def crash(*args, **kwargs):
        raise RuntimeError("the process died before its commit")

    monkeypatch.setattr(services, "_store_tokens", crash)
    with pytest.raises(RuntimeError):
        connection_refresh(
            connection_id=hong.connection.pk, stale_access_token=old_access, upstream=platform
        )
    monkeypatch.undo()
    stored = Connection.objects.get(pk=hong.connection.pk)
    assert stored.access_token == old_access  # our commit never happened

    with pytest.raises(PlatformError) as refused:
        connection_refresh(
            connection_id=hong.connection.pk, stale_access_token=old_access, upstream=platform
        )

    assert refused.value.kind == REAUTH_REQUIRED
    stored = Connection.objects.get(pk=hong.connection.pk)
    assert not stored.is_usable
    client.force_login(hong.user)
    assert client.get("/link/").context["status"].step == "reconnect"


def test_after_disconnecting_scheduled_syncs_are_no_ops_that_call_nobody(platform, hong):
    connection_disconnect(connection_id=hong.connection.pk, upstream=platform)
    calls = platform.calls

    outcomes = [
        account_sync(account_id=account.pk, trigger="nightly", upstream=platform)
        for account in hong.accounts.values()
    ]

    assert {(o.state, o.failure_kind) for o in outcomes} == {("skipped", "not_connected")}
    assert platform.calls == calls
    stored = Connection.objects.get(pk=hong.connection.pk)
    assert (stored.access_token, stored.refresh_token) == (None, None)
