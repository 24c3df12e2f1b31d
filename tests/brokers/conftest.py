"""Fixtures for the platform client's tests: a scripted loopback server, and the live sandbox
with a user of ours connected to one of its members."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from django.db import connection as db_connection

from accounts.models import Identity, User
from brokers.models import Broker, Connection, LinkedAccount
from brokers.openplatform.client import OpenPlatformClient
from brokers.openplatform.config import OpenPlatformConfig
from brokers.services import connection_connect, linked_accounts_record
from tests.brokers.scripted import ScriptedServer
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory
from tests.sandbox_server import LiveSandbox, query_of

T = TypeVar("T")


def run_together(count: int, work: Callable[[threading.Barrier], T]) -> list[T]:
    """Run `work` in `count` threads, each with its own database connection, and return what
    each returned (in the order they finished); re-raise the first failure.

    `work` gets a barrier to wait on, so that the threads reach the contested step together.
    """
    ready = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work(ready))
        except BaseException as exc:
            errors.append(exc)
            ready.abort()
        finally:
            db_connection.close()  # Django opened one for this thread

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def scripted_client(scripted: ScriptedServer) -> Iterator[OpenPlatformClient]:
    """The real client, configured for the scripted server (short read timeout)."""
    config = OpenPlatformConfig.from_settings(
        base_url=scripted.url,
        client_id="test-client",
        client_secret="test-client-secret",
        api_key="test-api-key",
        redirect_uri="http://127.0.0.1:8000/link/callback/",
        read_timeout=1,
    )
    with OpenPlatformClient(config) as client:
        yield client


# --- the live sandbox (tests/sandbox_server.py) --------------------------------------------


@dataclass
class Link:
    """A user of ours connected to a sandbox member, with their linked accounts by number."""

    user: User
    identity: Identity
    connection: Connection
    accounts: dict[str, LinkedAccount]

    def at(self, broker: str) -> LinkedAccount:
        return next(a for a in self.accounts.values() if a.broker.short_name == broker)


def sandbox_config(sandbox: LiveSandbox, **overrides: object) -> OpenPlatformConfig:
    return OpenPlatformConfig.from_settings(
        base_url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        api_key=sandbox.api_key,
        com_id=sandbox.com_id,
        srv_id=sandbox.srv_id,
        redirect_uri=sandbox.redirect_uri,
        **overrides,
    )


@pytest.fixture
def platform(sandbox: LiveSandbox) -> Iterator[OpenPlatformClient]:
    """The real client, configured for the live sandbox."""
    with OpenPlatformClient(sandbox_config(sandbox)) as client:
        yield client


def connect(
    client: OpenPlatformClient, sandbox: LiveSandbox, user: User, portal_id: str, password: str
) -> Connection:
    """Our OAuth flow end to end: authorize URL, the portal's login and consent, the callback."""
    request = client.authorization_url()
    callback = query_of(
        sandbox.login_and_consent(request.url, username=portal_id, password=password)
    )
    assert callback["state"] == request.state
    return connection_connect(
        user=user, code=callback["code"], code_verifier=request.code_verifier, upstream=client
    )


def link_member(
    client: OpenPlatformClient,
    sandbox: LiveSandbox,
    *,
    email: str,
    portal_id: str,
    password: str,
    ci: str,
    kor_name: str,
) -> Link:
    identity = IdentityFactory(user__email=email, ci=ci, korean_name=kor_name)
    connection = connect(client, sandbox, identity.user, portal_id, password)
    linked_accounts_record(user=identity.user, found=client.linked_accounts(identity))
    accounts = {a.vt_acc_no: a for a in LinkedAccount.objects.for_user(identity.user)}
    return Link(identity.user, identity, connection, accounts)


@pytest.fixture
def hong(platform: OpenPlatformClient, sandbox: LiveSandbox, db: None) -> Link:
    """Alice, verified as the sandbox persona 홍길동 and connected: diamond ×2, cyber, star."""
    persona = sandbox.personas["hong"]
    return link_member(
        platform,
        sandbox,
        email="alice@example.com",
        portal_id="hong",
        password=sandbox.persona_password,
        ci=persona.ci,
        kor_name=persona.kor_name,
    )


@pytest.fixture
def link():
    """Alice's identity, connection and an account at diamond (ALL) and at cyber (per type)."""
    identity = IdentityFactory(user__email="alice@example.com")
    connection = ConnectionFactory(user=identity.user)
    diamond = LinkedAccountFactory(user=identity.user)
    cyber = LinkedAccountFactory(user=identity.user, broker=Broker.objects.get(short_name="cyber"))
    return connection, diamond, cyber
