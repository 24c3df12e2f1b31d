"""Writes about a user's connection and linked accounts, including the OAuth steps that store.

Refreshing is the delicate part: two workers may find the same expired token at once, and the
platform rotates refresh tokens (a used one is dead, and reusing it revokes the whole grant).
So a refresh runs under a row lock on the connection (`SELECT … FOR UPDATE` inside one
transaction): the second worker waits, re-reads the row, sees that the token it had is no
longer the stored one, and uses the new one without calling the platform. The rotated refresh
token is saved in the same transaction as the lock. A PostgreSQL row lock was chosen over a
Redis lock because it cannot expire while the holder still works, it is released when the
holder's connection dies, and it makes "lock, call, store" one unit with the write it guards.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from brokers import records
from brokers.clients import get_upstream
from brokers.errors import REAUTH_REQUIRED, PlatformError
from brokers.models import Broker, Connection, LinkedAccount
from brokers.models.accounts import SyncProblem, distinguishing_tails
from brokers.upstream import TokenSet, Upstream

logger = logging.getLogger(__name__)

# Refresh this long before the access token expires, so a sync never starts with a token that
# dies halfway through.
REFRESH_MARGIN_SECONDS = 10 * 60


def _store_tokens(connection: Connection, tokens: TokenSet) -> None:
    now = timezone.now()
    connection.access_token = tokens.access_token
    # Where the platform grants no new refresh token, the one we hold stays valid.
    if tokens.refresh_token:
        connection.refresh_token = tokens.refresh_token
    connection.token_type = tokens.token_type
    connection.scope = tokens.scope
    connection.access_expires_at = tokens.expires_at
    connection.refreshed_at = now
    connection.status = Connection.Status.ACTIVE
    connection.last_error_kind = ""
    connection.last_error_at = None


def connection_reconnect_needed_mark(
    *, connection: Connection, kind: str = REAUTH_REQUIRED, now: dt.datetime | None = None
) -> bool:
    """Mark the connection "reconnect needed": the one place that does (a refused refresh, an
    access token expired with no refresh token, a sync refused with 401 after a refresh).

    One conditional UPDATE: a revoked connection stays revoked (the user disconnected; only
    connecting again changes that). The instance passed is brought up to date. True when the
    row was marked (it was active or already needed reconnecting).
    """
    now = now or timezone.now()
    marked = (
        Connection.objects.filter(pk=connection.pk)
        .exclude(status=Connection.Status.REVOKED)
        .update(
            status=Connection.Status.RECONNECT_NEEDED,
            last_error_kind=kind,
            last_error_at=now,
            updated_at=now,
        )
    )
    if marked:
        connection.status = Connection.Status.RECONNECT_NEEDED
        connection.last_error_kind, connection.last_error_at, connection.updated_at = kind, now, now
    return bool(marked)


def _record_error(connection: Connection, error: PlatformError) -> None:
    """Remember a refused or failed refresh on the (locked) connection."""
    if error.kind == REAUTH_REQUIRED:
        connection_reconnect_needed_mark(connection=connection, kind=error.kind)
        return
    connection.last_error_kind = error.kind
    connection.last_error_at = timezone.now()
    connection.save(update_fields=["last_error_kind", "last_error_at", "updated_at"])


def connection_connect(
    *, user: User, code: str, code_verifier: str, upstream: Upstream | None = None
) -> Connection:
    """Exchange the OAuth callback's code for tokens and store them (a reconnect reuses the row).

    The caller has already checked the callback's `state`; `code_verifier` is the one kept in
    the user's session since the authorize step.
    """
    tokens = (upstream or get_upstream()).exchange_code(code=code, code_verifier=code_verifier)
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(
            user=user, upstream=Connection.Upstream.OPENPLATFORM
        )
        _store_tokens(connection, tokens)
        connection.save()
    return connection


def connection_refresh(
    *,
    connection_id: int,
    stale_access_token: str | None = None,
    upstream: Upstream | None = None,
) -> Connection:
    """Refresh the connection's tokens unless another process already did; return it fresh.

    `stale_access_token` is the token the caller found expired (or refused by the platform).
    If the stored token differs once the lock is held, someone refreshed meanwhile and no call
    is made. Without it, the refresh is skipped when the token is not near expiry.

    A refused refresh (`invalid_grant`: revoked, expired or already-used refresh token) marks
    the connection "reconnect needed" and raises `reauth_required`; the connection is never
    left looking healthy with dead tokens. Transient failures raise with a suggested delay and
    leave the connection as it was.
    """
    failure: PlatformError | None = None
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection_id)
        if stale_access_token is not None:
            already_refreshed = connection.access_token != stale_access_token
        else:
            already_refreshed = not connection.expires_within(REFRESH_MARGIN_SECONDS)
        if already_refreshed and connection.is_usable:
            return connection
        if connection.status == Connection.Status.REVOKED or not connection.refresh_token:
            failure = PlatformError(
                REAUTH_REQUIRED, "no refresh token: the user must connect again"
            )
        else:
            try:
                tokens = (upstream or get_upstream()).refresh(
                    refresh_token=connection.refresh_token
                )
            except PlatformError as exc:
                failure = exc
            else:
                _store_tokens(connection, tokens)
        if failure is None:
            connection.save()
        elif connection.status != Connection.Status.REVOKED:
            _record_error(connection, failure)
    if failure is not None:
        logger.warning("refresh of connection %s failed: %s", connection_id, failure.kind)
        raise failure
    return connection


def connection_ensure_fresh(
    *, connection: Connection, upstream: Upstream | None = None
) -> Connection:
    """The connection with an access token good for at least the refresh margin.

    Raises `reauth_required` (and marks the connection) when that cannot be had.
    """
    if connection.is_usable and not connection.expires_within(REFRESH_MARGIN_SECONDS):
        return connection
    if connection.status != Connection.Status.ACTIVE:
        raise PlatformError(REAUTH_REQUIRED, "the connection needs the user to connect again")
    return connection_refresh(
        connection_id=connection.pk,
        stale_access_token=connection.access_token,
        upstream=upstream,
    )


def connection_disconnect(*, connection_id: int, upstream: Upstream | None = None) -> Connection:
    """Revoke the grant at the platform and delete our copies of its tokens.

    The refresh token is revoked first (that ends the whole grant on the platform), then the
    access token. Whether or not the platform confirms, the tokens are deleted here: the user
    asked to disconnect. A failed revoke is recorded as the connection's last error so that
    support can see the grant may still be live upstream (the user can end it at the portal).
    """
    upstream = upstream or get_upstream()
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection_id)
        failure: PlatformError | None = None
        for token, hint in (
            (connection.refresh_token, "refresh_token"),
            (connection.access_token, "access_token"),
        ):
            if not token:
                continue
            try:
                upstream.revoke(token=token, token_type_hint=hint)
            except PlatformError as exc:
                failure = failure or exc
        connection.access_token = None
        connection.refresh_token = None
        connection.access_expires_at = None
        connection.status = Connection.Status.REVOKED
        connection.last_error_kind = failure.kind if failure else ""
        connection.last_error_at = timezone.now() if failure else None
        connection.save()
    return connection


@dataclass(frozen=True, slots=True)
class LinkedAccountsChange:
    """What `linked_accounts_record` found: new links, links gone, and brokers we do not know."""

    added: tuple[LinkedAccount, ...]
    unlinked: tuple[LinkedAccount, ...]
    unknown_broker_codes: tuple[str, ...]


def _tails_refresh(accounts: list[LinkedAccount]) -> None:
    """Give each of one user's accounts the ending that tells it from the others."""
    tails = distinguishing_tails({account.pk: account.vt_acc_no for account in accounts})
    for account in accounts:
        if account.vt_acc_no_tail != tails[account.pk]:
            account.vt_acc_no_tail = tails[account.pk]
            account.save(update_fields=["vt_acc_no_tail"])


@transaction.atomic
def linked_accounts_record(
    *, user: User, found: Iterable[records.LinkedAccount]
) -> LinkedAccountsChange:
    """Make the user's linked accounts match the platform's list (consent/search).

    New numbers are added, numbers no longer listed are marked unlinked (their data stays),
    numbers listed again are linked again. Numbers are encrypted with a random nonce, so they
    are matched in Python among the user's own rows; the user's row is locked meanwhile so
    that two concurrent updates cannot add the same account twice.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    brokers = {broker.code: broker for broker in Broker.objects.all()}
    existing = {account.vt_acc_no: account for account in LinkedAccount.objects.for_user(user)}
    seen: set[str] = set()
    added: list[LinkedAccount] = []
    unknown: list[str] = []
    for item in found:
        broker = brokers.get(item.broker_code)
        if broker is None:
            unknown.append(item.broker_code)
            continue
        seen.add(item.vt_acc_no)
        account = existing.get(item.vt_acc_no)
        if account is None:
            added.append(
                LinkedAccount.objects.create(
                    user=user,
                    broker=broker,
                    vt_acc_no=item.vt_acc_no,
                    vt_acc_no_last4=item.vt_acc_no[-4:],
                    alias=item.alias or "",
                    consent_expires_on=item.terms_expire,
                )
            )
            continue
        renewed = item.terms_expire is not None and (
            account.consent_expires_on is None or item.terms_expire > account.consent_expires_on
        )
        account.alias = item.alias or ""
        account.status = LinkedAccount.Status.LINKED
        account.consent_expires_on = item.terms_expire
        fields = ["alias", "status", "consent_expires_on", "updated_at"]
        if account.sync_problem == SyncProblem.CONSENT_REQUIRED and renewed:
            # The platform reports a later end of the consent than we knew: it was renewed at
            # the portal. (A listing alone proves nothing: an account whose consent lapsed can
            # still be listed.) The last good data stays shown "as of" its time until the next
            # sync brings today's.
            account.sync_problem = ""
            account.sync_problem_at = None
            fields += ["sync_problem", "sync_problem_at"]
        account.save(update_fields=fields)
    unlinked = []
    for number, account in existing.items():
        if number not in seen and account.status == LinkedAccount.Status.LINKED:
            account.status = LinkedAccount.Status.UNLINKED
            account.save(update_fields=["status", "updated_at"])
            unlinked.append(account)
    _tails_refresh([*existing.values(), *added])
    return LinkedAccountsChange(
        added=tuple(added), unlinked=tuple(unlinked), unknown_broker_codes=tuple(unknown)
    )
