"""The open-platform adapter behind `brokers.upstream.Upstream`: whole answers, bounded calls.

- Balance and portfolio read a whole account per asset type or with `ALL` (`asset_types`),
  every query through every page (`paging`); transactions are read in windows (`windows`).
- Every account answer must echo the account asked (`accInfo.vtAccNo`, when present): another
  account's answer is a permanent contract error and nothing of it is kept.
- A broker without a balance service answers `RatiosOnly`, not an error. A service a broker
  refuses as a whole (6001) is remembered in the registry (`brokers.registry`) and not asked
  again for a month.
- Every call goes through the broker's circuit breaker and the user's daily budget; balance and
  portfolio answers are cached briefly per account.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from brokers import registry
from brokers.call_log import CallInfo
from brokers.errors import IDENTITY_MISMATCH, REAUTH_REQUIRED, UNSUPPORTED, PlatformError
from brokers.openplatform import envelope
from brokers.openplatform.asset_types import by_asset_type, family_size, holdings, page_count
from brokers.openplatform.config import OpenPlatformConfig
from brokers.openplatform.http import Transport
from brokers.openplatform.oauth import OAuthClient, check_transport_security
from brokers.openplatform.paging import P, Paged, read_pages
from brokers.openplatform.parsing.answer import check_account_echo
from brokers.openplatform.parsing.holdings import parse_balance, parse_portfolio
from brokers.openplatform.parsing.interest import parse_interest
from brokers.openplatform.parsing.member import parse_consent_search, parse_membership
from brokers.openplatform.parsing.transactions import parse_transactions
from brokers.openplatform.windows import transactions_by_window
from brokers.records import LinkedAccount, Membership, Transaction, TransactionPage, WatchGroup
from brokers.resilience.breaker import CircuitBreaker
from brokers.resilience.budgets import DailyBudget, UserBudget
from brokers.resilience.cache import AnswerCache
from brokers.resilience.stores import Store, default_store
from brokers.upstream import (
    ACCESS_TOKEN,
    AuthorizationRequest,
    Balance,
    CallContext,
    Portfolio,
    RatiosOnly,
    TokenSet,
)

# The platform asks for the first page of transactions with "" (balance/portfolio: "null").
FIRST_TRANSACTION_PAGE = ""
COMMON_BREAKER = "common"  # the member APIs are not addressed to a broker
# The sandbox's development header for answers as of a past date (demo history, benchmarks).
AS_OF_HEADER = "X-Sandbox-As-Of"

logger = logging.getLogger(__name__)

R = TypeVar("R")


class OpenPlatformClient:
    """The KOSCOM open platform, implementing `brokers.upstream.Upstream`.

    One instance holds one HTTP session; make one per unit of work (a request, a task) and
    `close()` it, or use it as a context manager. `calls` counts the upstream calls it sent.
    """

    def __init__(
        self,
        config: OpenPlatformConfig | None = None,
        *,
        store: Store | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.config = config or OpenPlatformConfig.from_settings()
        # Account calls carry bearer tokens and CIs too, not only the OAuth ones.
        check_transport_security([self.config.base_url])
        self._store = store or default_store()
        self.budget = DailyBudget(store=self._store)
        self.transport = transport or Transport(
            read_timeout=self.config.read_timeout, budget=self.budget
        )
        self.oauth = OAuthClient(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            authorize_url=self.config.authorize_url,
            token_url=self.config.token_url,
            revoke_url=self.config.revoke_url,
            redirect_uri=self.config.redirect_uri,
            transport=self.transport,
        )
        self.user_budget = UserBudget(store=self._store)
        self.cache = AnswerCache(store=self._store)

    def __enter__(self) -> OpenPlatformClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    @property
    def calls(self) -> int:
        return self.transport.calls

    def breaker(self, name: str) -> CircuitBreaker:
        return CircuitBreaker(name, store=self._store)

    # --- OAuth ---------------------------------------------------------------------------

    def authorization_url(self, *, state: str | None = None) -> AuthorizationRequest:
        return self.oauth.authorization_request(state=state)

    def exchange_code(self, *, code: str, code_verifier: str) -> TokenSet:
        return self.oauth.exchange_code(code=code, code_verifier=code_verifier)

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self.oauth.refresh(refresh_token=refresh_token)

    def revoke(self, *, token: str, token_type_hint: str = ACCESS_TOKEN) -> None:
        self.oauth.revoke(token=token, token_type_hint=token_type_hint)

    # --- membership and links (API key) --------------------------------------------------

    def is_member(self, identity: Any, *, context: CallContext | None = None) -> bool:
        """Whether the person is a member of the platform's fintech portal."""
        return self.membership(identity, context=context).is_member

    def membership(self, identity: Any, *, context: CallContext | None = None) -> Membership:
        """Membership, with the platform-wide consent's expiry where the platform sends it."""
        return self._common_call("register", identity, parse_membership, context or CallContext())

    def linked_accounts(
        self, identity: Any, *, context: CallContext | None = None
    ) -> tuple[LinkedAccount, ...]:
        """The virtual accounts the person linked to our service under a valid consent."""
        return self._common_call(
            "consent", identity, parse_consent_search, context or CallContext()
        )

    def _common_call(
        self,
        service: str,
        identity: Any,
        parse: Callable[[dict[str, Any]], R],
        context: CallContext,
    ) -> R:
        payload = envelope.member_request(
            partner_block=envelope.partner(self.config.com_id, self.config.srv_id),
            ci=identity.ci,
            korean_name=identity.korean_name,
            request_id=envelope.new_request_id(),
        )
        with self.breaker(COMMON_BREAKER).guard():
            self.user_budget.spend(identity.user_id)
            return self.transport.post_json(
                f"{self.config.base_url}/v1/common/member/{service}/search",
                payload,
                headers={"apikey": self.config.api_key},
                info=CallInfo(service=service, attempt=context.attempt),
                parse=parse,
            )

    # --- account data (OAuth bearer) -----------------------------------------------------

    def balance(
        self, conn: Any, account: Any, *, context: CallContext | None = None
    ) -> Balance | RatiosOnly:
        """The whole balance, or `RatiosOnly` where the broker offers no balance service."""
        context = context or CallContext()
        broker = account.broker
        if not broker.has_balance:
            return RatiosOnly(reason=f"{broker.short_name} offers no balance service")
        state = registry.service_state(broker, "balance")
        if state == registry.REFUSED:
            return RatiosOnly(reason=f"{broker.short_name} refused the balance service")
        cached = self._cached("balance", account, Balance, context)
        if cached is not None:
            return cached
        try:
            pages, complete = self._whole_account(
                conn, account, "balance", envelope.balance_body, parse_balance, context
            )
        except PlatformError as exc:
            if exc.kind != UNSUPPORTED:
                raise
            # Every way of asking was refused: the broker has no balance service. Remembered,
            # so that the next syncs go straight to the portfolio for a month.
            logger.warning("broker %s refuses every balance query", broker.short_name)
            registry.service_refusal_record(broker, "balance")
            return RatiosOnly(reason=f"{broker.short_name} offers no balance service")
        if state == registry.PROBE:
            registry.service_answered(broker, "balance")
        result = Balance(
            summary=next((p.summary for _, p in pages if p.summary is not None), None),
            **holdings(pages),
            complete=complete,
        )
        if complete:
            self._remember("balance", account, result, context)
        return result

    def portfolio(
        self, conn: Any, account: Any, *, context: CallContext | None = None
    ) -> Portfolio:
        """The whole portfolio (weights, not amounts)."""
        context = context or CallContext()
        cached = self._cached("portfolio", account, Portfolio, context)
        if cached is not None:
            return cached
        pages, complete = self._whole_account(
            conn, account, "portfolio", envelope.portfolio_body, parse_portfolio, context
        )
        result = Portfolio(
            cash_amt=next((p.cash_amt for _, p in pages if p.cash_amt is not None), None),
            **holdings(pages),
            complete=complete,
        )
        if complete:
            self._remember("portfolio", account, result, context)
        return result

    def transactions(
        self,
        conn: Any,
        account: Any,
        start: datetime.date,
        end: datetime.date,
        *,
        context: CallContext | None = None,
    ) -> tuple[Transaction, ...]:
        """Every transaction dated from `start` to `end` (both included), in the broker's order."""
        context = context or CallContext()
        broker = account.broker

        def read_window(a: datetime.date, b: datetime.date) -> Paged[TransactionPage]:
            def fetch(page: str) -> TransactionPage:
                body = envelope.transaction_body(a, b, broker.page_size, page)
                return self._account_call(
                    conn, account, "transaction", body, parse_transactions, context
                )

            return read_pages(
                fetch,
                first=FIRST_TRANSACTION_PAGE,
                items=lambda page: len(page.transactions),
                label=f"transaction {a:%Y%m%d}-{b:%Y%m%d}",
                context=context,
            )

        return transactions_by_window(read_window, start, end, broker.max_transaction_days)

    def watchlist(
        self, conn: Any, account: Any, *, context: CallContext | None = None
    ) -> tuple[WatchGroup, ...]:
        """The account's watchlist groups (one call; the service is not paged).

        A broker without the service has, for us, an empty watchlist; its refusal is remembered
        in the registry, and no call goes out for it until the monthly probe.
        """
        broker = account.broker
        state = registry.service_state(broker, "interest")
        if state == registry.REFUSED:
            return ()
        try:
            groups = self._account_call(
                conn,
                account,
                "interest",
                envelope.interest_body(),
                parse_interest,
                context or CallContext(),
            )
        except PlatformError as exc:
            if exc.kind == UNSUPPORTED:
                registry.service_refusal_record(broker, "interest")
                return ()
            raise
        if state == registry.PROBE:
            registry.service_answered(broker, "interest")
        return groups

    # --- internals -----------------------------------------------------------------------

    def _whole_account(
        self,
        conn: Any,
        account: Any,
        service: str,
        body: Callable[[str, int, str], tuple[str, dict[str, Any]]],
        parse: Callable[[dict[str, Any]], P],
        context: CallContext,
    ) -> tuple[list[tuple[str, P]], bool]:
        """Every page of a balance or portfolio query, each with its asset type, and whether
        every query's paging reached its end."""
        broker = account.broker

        def query(asset_type: str) -> Paged[P]:
            count = page_count(broker, asset_type)
            return read_pages(
                lambda page: self._account_call(
                    conn, account, service, body(asset_type, count, page), parse, context
                ),
                first=envelope.FIRST_PAGE,
                items=family_size(asset_type),
                label=f"{service} {asset_type}",
                context=context,
            )

        return by_asset_type(broker, query)

    def _account_call(
        self,
        conn: Any,
        account: Any,
        service: str,
        body: tuple[str, dict[str, Any]],
        parse: Callable[[dict[str, Any]], R],
        context: CallContext,
    ) -> R:
        token = conn.access_token
        if not token:
            raise PlatformError(REAUTH_REQUIRED, "the connection holds no access token")
        try:
            ci = conn.ci
        except ObjectDoesNotExist:
            raise PlatformError(IDENTITY_MISMATCH, "the user has no verified identity") from None
        broker = account.broker.short_name
        body_name, body_value = body
        payload = envelope.account_request(
            partner_block=envelope.partner(self.config.com_id, self.config.srv_id),
            ci=ci,
            request_id=envelope.new_request_id(),
            device=envelope.dev_info(
                context.ip_address,
                server_ip=self.config.server_ip,
                com_id=self.config.com_id,
                srv_id=self.config.srv_id,
            ),
            vt_acc_no=account.vt_acc_no,
            body_name=body_name,
            body=body_value,
        )
        headers = {"Authorization": f"Bearer {token}"}
        if context.as_of is not None and settings.SANDBOX_ENABLED:
            headers[AS_OF_HEADER] = context.as_of.strftime("%Y%m%d")
        vt_acc_no = account.vt_acc_no

        def checked(answer: dict[str, Any]) -> R:
            check_account_echo(answer, vt_acc_no)
            return parse(answer)

        with self.breaker(broker).guard():
            self.user_budget.spend(conn.user_id)
            return self.transport.post_json(
                f"{self.config.base_url}/v1/{broker}/account/{service}/search",
                payload,
                headers=headers,
                info=CallInfo.for_account(service, broker, vt_acc_no, context.attempt),
                parse=checked,
            )

    def _cached(self, service: str, account: Any, kind: type, context: CallContext) -> Any:
        if not context.use_cache or context.as_of is not None or account.pk is None:
            return None
        return self.cache.get(service, str(account.pk), kind)

    def _remember(self, service: str, account: Any, value: Any, context: CallContext) -> None:
        # An answer as of a past date must never be served as the present one.
        if account.pk is not None and context.as_of is None:
            self.cache.put(service, str(account.pk), value)
