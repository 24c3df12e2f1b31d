"""The open-platform adapter behind `brokers.upstream.Upstream`: whole answers, bounded calls.

- Balance and portfolio ask with `ALL` where the registry says the broker supports it (and fall
  back to per-type queries if the broker answers 6001/6002 after all); otherwise they ask for
  every asset type (CASH, EQTY, FUND, ETC), each through every page.
- Paging ends when the page key says so (`"null"`, `""` or missing). `totalCnt` and `count`
  are not a contract (the seeds' own examples contradict their rows): where they disagree with
  the rows (or paging restarted or stopped) they are recorded in the call context's notes for
  the run's record, and they never decide anything. A key seen before, or a
  numeric key that goes backwards, is a loop: that pass stops, and the query is asked once
  more from the first page; a second loop stops for good and keeps the pages read (each item
  once), marked incomplete. A 6003 (invalid key) also restarts once. A hard cap of pages
  bounds everything else the same way.
- Every account answer must echo the account asked (`accInfo.vtAccNo`, when present): another
  account's answer is a permanent contract error and nothing of it is kept.
- Transactions are asked for in windows no longer than the broker's known maximum; a 6006 (or a
  6005, too many results) splits the window (to the days the error names, else in halves) and
  the narrower limit is kept for the rest of the range. Rows are never deduplicated: the platform
  gives no id, and two equal rows on one day are two transactions. A window whose paging did
  not finish is a transient failure: its rows would replace stored ones they do not cover.
- A broker without a balance service answers `RatiosOnly`, not an error. A service a broker
  refuses as a whole (6001) is remembered in the registry (`brokers.registry`) and not asked
  again for a month.
- Every call goes through the broker's circuit breaker and the user's daily budget; balance and
  portfolio answers are cached briefly per account.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from brokers import registry
from brokers.call_log import CallInfo
from brokers.errors import (
    IDENTITY_MISMATCH,
    INVALID_PAGE,
    RANGE_EXCEEDED,
    REAUTH_REQUIRED,
    TOO_MANY_RESULTS,
    TRANSIENT,
    UNSUPPORTED,
    PlatformError,
)
from brokers.openplatform import envelope
from brokers.openplatform.http import Transport
from brokers.openplatform.oauth import OAuthClient, check_transport_security
from brokers.openplatform.parsing import (
    check_account_echo,
    parse_balance,
    parse_consent_search,
    parse_interest,
    parse_membership,
    parse_portfolio,
    parse_transactions,
)
from brokers.records import (
    BalancePage,
    LinkedAccount,
    Membership,
    PortfolioPage,
    Transaction,
    TransactionPage,
    WatchGroup,
)
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

ALL = "ALL"
ASSET_TYPES = ("CASH", "EQTY", "FUND", "ETC")
# More pages than any real account needs (500 holdings in pages of 10 is 50 per type): a cap
# that only a misbehaving upstream reaches, so a sync cannot run forever.
MAX_PAGES = 200
# How paging of one query ended, as recorded in the notes.
END, LOOP, CAP = "end", "loop", "cap"
# The platform asks for the first page of transactions with "" (balance/portfolio: "null").
FIRST_TRANSACTION_PAGE = ""
COMMON_BREAKER = "common"  # the member APIs are not addressed to a broker
# The sandbox's development header for answers as of a past date (demo history, benchmarks).
AS_OF_HEADER = "X-Sandbox-As-Of"

logger = logging.getLogger(__name__)

P = TypeVar("P", BalancePage, PortfolioPage, TransactionPage)
R = TypeVar("R")


@dataclasses.dataclass
class Paged(Generic[P]):
    """Every page one query gave, and whether paging reached its end."""

    pages: list[P]
    complete: bool


@dataclasses.dataclass(frozen=True)
class OpenPlatformConfig:
    """Where the platform is and who we are there. Defaults come from settings."""

    base_url: str
    authorize_url: str
    token_url: str
    revoke_url: str
    redirect_uri: str
    client_id: str
    client_secret: str = dataclasses.field(repr=False)
    api_key: str = dataclasses.field(repr=False)
    com_id: str
    srv_id: str
    server_ip: str
    read_timeout: float

    @classmethod
    def from_settings(cls, **overrides: Any) -> OpenPlatformConfig:
        """The configuration in settings, with `overrides` on top.

        Overriding `base_url` alone moves the OAuth endpoints with it (to the platform's paths
        under the new base), as the settings' own defaults do.
        """
        base_url = str(overrides.get("base_url", settings.OPENPLATFORM_BASE_URL)).rstrip("/")
        moved = "base_url" in overrides
        values: dict[str, Any] = {
            "base_url": base_url,
            "authorize_url": base_url + "/auth/oauth/v2/authorize"
            if moved
            else settings.OPENPLATFORM_AUTHORIZE_URL,
            "token_url": base_url + "/auth/oauth/v2/token"
            if moved
            else settings.OPENPLATFORM_TOKEN_URL,
            "revoke_url": base_url + "/auth/oauth/v2/token/revoke"
            if moved
            else settings.OPENPLATFORM_REVOKE_URL,
            "redirect_uri": settings.OPENPLATFORM_REDIRECT_URI,
            "client_id": settings.OPENPLATFORM_CLIENT_ID,
            "client_secret": settings.OPENPLATFORM_CLIENT_SECRET,
            "api_key": settings.OPENPLATFORM_API_KEY,
            "com_id": settings.OPENPLATFORM_COM_ID,
            "srv_id": settings.OPENPLATFORM_SRV_ID,
            "server_ip": settings.OPENPLATFORM_SERVER_IP,
            "read_timeout": settings.OPENPLATFORM_READ_TIMEOUT,
        }
        values.update(overrides)
        values["base_url"] = base_url
        return cls(**values)


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
            **_holdings(pages),
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
            **_holdings(pages),
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
        if start > end:
            raise ValueError("start must not be after end")
        context = context or CallContext()
        broker = account.broker
        limit: int | None = broker.max_transaction_days
        rows: list[Transaction] = []
        cursor = start
        while cursor <= end:
            window_end = end if limit is None else min(end, cursor + _days(limit - 1))
            days = (window_end - cursor).days + 1

            def fetch(
                page: str, a: datetime.date = cursor, b: datetime.date = window_end
            ) -> TransactionPage:
                body = envelope.transaction_body(a, b, broker.page_size, page)
                return self._account_call(
                    conn, account, "transaction", body, parse_transactions, context
                )

            try:
                paged = self._paged(
                    fetch,
                    first=FIRST_TRANSACTION_PAGE,
                    items=lambda page: len(page.transactions),
                    label=f"transaction {cursor:%Y%m%d}-{window_end:%Y%m%d}",
                    context=context,
                )
            except PlatformError as exc:
                if exc.kind not in (RANGE_EXCEEDED, TOO_MANY_RESULTS) or days <= 1:
                    raise
                # Ask again from the same day with the narrower window, and keep it for the
                # rest of the range: the broker's limit does not change between windows.
                limit = narrower_window(days, exc)
                continue
            if not paged.complete:
                # Rows of a window replace the stored ones of its days: a window read in part
                # would delete what it missed. Ask again later.
                raise PlatformError(TRANSIENT, "transaction paging did not reach its end")
            rows.extend(row for page in paged.pages for row in page.transactions)
            cursor = window_end + _days(1)
        return tuple(rows)

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

    @staticmethod
    def _count(broker: Any, asset_type: str) -> int:
        # With ALL the broker sends everything at once and `count` must be 0.
        return 0 if asset_type == ALL else broker.page_size

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
            count = self._count(broker, asset_type)
            return self._paged(
                lambda page: self._account_call(
                    conn, account, service, body(asset_type, count, page), parse, context
                ),
                first=envelope.FIRST_PAGE,
                items=_family_size(asset_type),
                label=f"{service} {asset_type}",
                context=context,
            )

        return self._by_asset_type(broker, query)

    def _by_asset_type(
        self, broker: Any, query: Callable[[str], Paged[P]]
    ) -> tuple[list[tuple[str, P]], bool]:
        """Every page of the account, each with the asset type it was asked for.

        Per type, a type the broker refuses (6001) is a product family it does not serve and
        contributes nothing; if it refuses every type, that refusal is raised.
        """
        if broker.supports_all:
            try:
                paged = query(ALL)
                return [(ALL, page) for page in paged.pages], paged.complete
            except PlatformError as exc:
                # The registry may be out of date: a broker refusing ALL is asked per type.
                if exc.kind != UNSUPPORTED:
                    raise
        pages: list[tuple[str, P]] = []
        complete = True
        refusals = 0
        for asset_type in ASSET_TYPES:
            try:
                paged = query(asset_type)
            except PlatformError as exc:
                if exc.kind != UNSUPPORTED:
                    raise
                refusals += 1
                if refusals == len(ASSET_TYPES):
                    raise
                continue
            pages.extend((asset_type, page) for page in paged.pages)
            complete = complete and paged.complete
        return pages, complete

    def _paged(
        self,
        fetch: Callable[[str], P],
        *,
        first: str,
        items: Callable[[P], int],
        label: str,
        context: CallContext,
    ) -> Paged[P]:
        """Every page of one query, in order, each item exactly once, as far as paging goes.

        Paging ends on the page key alone. A loop (a key seen before, or going backwards) or a
        6003 (invalid key) ends the pass, and the query is asked once more from the first page,
        discarding the first pass; a second 6003 is raised, a second loop keeps that pass's
        pages and says the result is incomplete. The hard cap of MAX_PAGES keeps what it read,
        incomplete, at once. What happened goes into `context.notes`, with the counts the
        platform announced (which are recorded, never checked).
        """
        restarts = 0
        while True:
            try:
                pages, ended = self._follow_pages(fetch, first)
            except PlatformError as exc:
                if exc.kind != INVALID_PAGE or restarts:
                    raise
                logger.warning("%s: invalid page key; asking again from the first page", label)
                restarts += 1
                continue
            if ended != LOOP or restarts:
                break
            logger.warning("%s: the page keys looped; asking again from the first page", label)
            restarts += 1
        received = sum(items(page) for page in pages)
        total_count = pages[0].page.total_count
        # Recorded where something is worth a look (counts that disagree with the rows, a
        # restart, a loop, the cap): the tidy majority would only fill the run records.
        if ended != END or restarts or (total_count is not None and total_count != received):
            context.notes.append(
                {
                    "query": label,
                    "pages": len(pages),
                    "items": received,
                    "total_cnt": total_count,
                    "count": [page.page.count for page in pages],
                    "ended": ended,
                    "restarts": restarts,
                }
            )
        if ended != END:
            logger.warning("%s: paging stopped (%s) after %s pages", label, ended, len(pages))
        return Paged(pages, complete=ended == END)

    @staticmethod
    def _follow_pages(fetch: Callable[[str], P], first: str) -> tuple[list[P], str]:
        """The pages from the first key on, and how it ended: END (no next key), LOOP (a key
        asked before, or a numeric key not after the previous one) or CAP (MAX_PAGES)."""
        pages: list[P] = []
        requested = {first}
        key = first
        while True:
            page = fetch(key)
            pages.append(page)
            next_key = page.page.next_page
            if next_key is None:
                return pages, END
            if next_key in requested or _goes_back(key, next_key):
                return pages, LOOP
            if len(pages) >= MAX_PAGES:
                return pages, CAP
            requested.add(next_key)
            key = next_key

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


def _holdings(pages: list[tuple[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """The holdings of a whole account from its pages, each family from its own query.

    Asked per type, a family is taken only from the query for it, so a broker that sends more
    than was asked for cannot make an item count twice.
    """
    return {
        "equities": tuple(h for t, p in pages if t in (ALL, "EQTY") for h in p.equities),
        "funds": tuple(h for t, p in pages if t in (ALL, "FUND") for h in p.funds),
        "others": tuple(h for t, p in pages if t in (ALL, "ETC") for h in p.others),
    }


def _family_size(asset_type: str) -> Callable[[Any], int]:
    """How many items of the asked-for family a balance or portfolio page holds."""
    if asset_type == "EQTY":
        return lambda page: len(page.equities)
    if asset_type == "FUND":
        return lambda page: len(page.funds)
    if asset_type == "ETC":
        return lambda page: len(page.others)
    if asset_type == "CASH":
        return lambda page: 0
    return lambda page: len(page.equities) + len(page.funds) + len(page.others)


def _goes_back(key: str, next_key: str) -> bool:
    """Whether a numeric page key goes back (or stays) from the key it follows: a loop.
    Opaque keys cannot be compared; only a repeat catches their loops."""
    if not (key.isdigit() and next_key.isdigit()):
        return False
    return int(next_key) <= int(key)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def narrower_window(days: int, error: PlatformError) -> int:
    """The window length to use after a window of `days` days was refused.

    The broker's own maximum when the error names one below `days`, else half the window.
    """
    if error.kind == RANGE_EXCEEDED and error.max_days and error.max_days < days:
        return error.max_days
    return max(1, days // 2)
