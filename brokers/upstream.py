"""What we need from an upstream that holds a user's brokerage data, in our own terms.

The open platform (`brokers.openplatform.client`) is the first implementation; bank open banking
is meant to be the next, so nothing here names a platform field. Answers are whole: a balance is
every asset type and every page, transactions are every row of the window, and a broker that
offers no balance says so with `RatiosOnly` instead of failing.

Every method raises only `brokers.errors.PlatformError` (or its `ParseError`), whose `kind` tells
the caller what to do and whose `retry_after` suggests a delay for transient failures: the
client itself never sleeps and never retries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from brokers.records import (
    BalanceSummary,
    EquityHolding,
    FundHolding,
    LinkedAccount,
    Membership,
    OtherHolding,
    PortfolioEquity,
    PortfolioFund,
    PortfolioOther,
    Transaction,
    WatchGroup,
)

if TYPE_CHECKING:
    from accounts.models import Identity
    from brokers import models


# Token type hints of RFC 7009 (names, not secrets).
ACCESS_TOKEN = "access_token"  # noqa: S105  # nosec B105
REFRESH_TOKEN = "refresh_token"  # noqa: S105  # nosec B105


@dataclass(frozen=True, slots=True)
class CallContext:
    """How a call is made, beyond what it asks for.

    ip_address: the end user's IP address when they triggered the call (a page view, "sync
        now"); None for background work, which then presents the installation's own device
        values (the platform wants the device the request comes from).
    attempt: the caller's attempt number (a Celery task's retries + 1), used in logs and to
        grow the suggested backoff delay.
    use_cache: False to bypass the short answer cache (the fresh answer is still cached).
    as_of: answer as of this past date instead of now. Only the sandbox can (its development
        header `X-Sandbox-As-Of`), so it is sent only where the sandbox is enabled and is
        ignored elsewhere; such answers never go through the short cache, whose entries are
        for the present.
    notes: filled in by the client as it goes: one entry per paged query whose counts
        (`totalCnt`, `count`) disagree with the rows it received, or whose paging restarted or
        stopped (a loop, the cap), with the pages and items received and how paging ended.
        For the run's record (diagnosis); counts never decide anything.
    """

    ip_address: str | None = None
    attempt: int = 1
    use_cache: bool = True
    as_of: datetime.date | None = None
    notes: list[dict[str, Any]] = field(default_factory=list, compare=False)


@dataclass(frozen=True, slots=True)
class Balance:
    """The whole balance of an account: every asset type, every page, as the broker reports it.

    `summary` is the broker's account totals and the truth for totals; the lists may not add up
    to it (see docs/upstream.md), and cash sits in the summary, never in a list.
    """

    summary: BalanceSummary | None
    equities: tuple[EquityHolding, ...]
    funds: tuple[FundHolding, ...]
    others: tuple[OtherHolding, ...]
    # False when a list's paging looped (twice) and was stopped: the summary is whole, the
    # lists hold only the pages read before the loop.
    complete: bool = True


@dataclass(frozen=True, slots=True)
class RatiosOnly:
    """The broker offers no balance service for this account: read `portfolio` instead.

    Not an error: it is what such a broker is. The reason is ours and safe to show or log.
    """

    reason: str


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The whole portfolio of an account: weights instead of amounts, every asset type and page.

    Weights are as the broker computes them (often return contributions, sometimes quantities).
    """

    cash_amt: Decimal | None
    equities: tuple[PortfolioEquity, ...]
    funds: tuple[PortfolioFund, ...]
    others: tuple[PortfolioOther, ...]
    complete: bool = True  # as for `Balance`


@dataclass(frozen=True, slots=True)
class TokenSet:
    """An OAuth grant's tokens as the token endpoint answered them (kept in memory only)."""

    access_token: str
    refresh_token: str | None  # None when the service's contract grants no refresh
    token_type: str
    scope: str
    expires_at: datetime.datetime  # aware

    def __repr__(self) -> str:
        # Tokens must never reach a log line or a traceback through a repr.
        return (
            f"TokenSet(token_type={self.token_type!r}, scope={self.scope!r}, "
            f"expires_at={self.expires_at.isoformat()!r}, "
            f"refresh_token={'set' if self.refresh_token else 'none'})"
        )


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the user to grant access, and what to keep server-side until the callback.

    `state` and `code_verifier` belong in the user's server-side session: the callback must
    check `state` (single use) and hand `code_verifier` back to `exchange_code`.
    """

    url: str
    state: str
    code_verifier: str

    def __repr__(self) -> str:
        return "AuthorizationRequest(url=…, state=…, code_verifier=…)"


@runtime_checkable
class Upstream(Protocol):
    """An upstream holding users' brokerage data, as the rest of the application needs it.

    `conn` is the user's `Connection` (its access token and the user's CI); `account` a
    `LinkedAccount` (its broker and virtual account number).
    """

    # Membership and links (the common APIs; no OAuth grant needed) ------------------------
    def is_member(self, identity: Identity, *, context: CallContext | None = None) -> bool: ...

    def membership(
        self, identity: Identity, *, context: CallContext | None = None
    ) -> Membership: ...

    def linked_accounts(
        self, identity: Identity, *, context: CallContext | None = None
    ) -> tuple[LinkedAccount, ...]: ...

    # Account data (needs the user's grant) ------------------------------------------------
    def balance(
        self,
        conn: models.Connection,
        account: models.LinkedAccount,
        *,
        context: CallContext | None = None,
    ) -> Balance | RatiosOnly: ...

    def portfolio(
        self,
        conn: models.Connection,
        account: models.LinkedAccount,
        *,
        context: CallContext | None = None,
    ) -> Portfolio: ...

    def transactions(
        self,
        conn: models.Connection,
        account: models.LinkedAccount,
        start: datetime.date,
        end: datetime.date,
        *,
        context: CallContext | None = None,
    ) -> tuple[Transaction, ...]: ...

    def watchlist(
        self,
        conn: models.Connection,
        account: models.LinkedAccount,
        *,
        context: CallContext | None = None,
    ) -> tuple[WatchGroup, ...]: ...

    # The OAuth steps ---------------------------------------------------------------------
    def authorization_url(self, *, state: str | None = None) -> AuthorizationRequest: ...

    def exchange_code(self, *, code: str, code_verifier: str) -> TokenSet: ...

    def refresh(self, *, refresh_token: str) -> TokenSet: ...

    def revoke(self, *, token: str, token_type_hint: str = ACCESS_TOKEN) -> None: ...

    # The client's own resources --------------------------------------------------------------
    def close(self) -> None:
        """Release the client's connections; it is not used afterwards."""
        ...
