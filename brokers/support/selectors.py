"""Reads for the support console and the service overview.

The console's facts are plain dataclasses built from the models, holding only what support may
see: dates, states, kinds, and account numbers as their masked distinguishing ending (read from
the stored `vt_acc_no_tail`, so showing an account decrypts nothing). No token, CI or full number is
ever handed to a template, so none can be printed by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from accounts.ids import parse_id
from accounts.models import ActivityEvent, User
from accounts.selectors import activity_for_user, user_has_verified_email
from brokers.link_status import LinkStatus, link_status_for_user
from brokers.models import Connection, LinkedAccount, SyncRun
from brokers.selectors import platform_budget_today
from brokers.standing.account import AccountStanding
from brokers.standing.journey import Alert, Step
from brokers.support.advice import SupportAdvice, support_advice

RUNS_PER_ACCOUNT = 5
EVENTS_SHOWN = 50
FAILED_RUNS_WINDOW = dt.timedelta(hours=24)


def support_user_find(query: str) -> User | None:
    """The user a support search names: a user number, or an e-mail address (any case)."""
    query = query.strip()
    user_id = parse_id(query)
    if user_id is not None:
        return User.objects.filter(pk=user_id).first()
    if "@" in query:
        return User.objects.filter(email__iexact=query).first()
    return None


def support_user(user_id: int) -> User:
    """The user a console URL names, or 404."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("no such user")
    return user


def support_account(user: User, account_id: int) -> LinkedAccount:
    """One of the user's linked accounts, or 404 (an id from another user's list is not found)."""
    account = (
        LinkedAccount.objects.for_user(user).filter(pk=account_id).select_related("broker").first()
    )
    if account is None:
        raise Http404("no such account for this user")
    return account


@dataclass(frozen=True)
class ConnectionFacts:
    status: str
    status_label: str
    authorized: bool  # active, with an access token
    access_expires_at: dt.datetime | None
    refresh_possible: bool  # a refresh token is held, so access renews without the user
    refreshed_at: dt.datetime | None
    last_error_kind: str
    last_error_at: dt.datetime | None


@dataclass(frozen=True)
class AccountFacts:
    id: int
    broker_name: str
    broker_short_name: str
    number_display: str
    alias: str
    status: str
    status_label: str
    linked_since: dt.datetime
    # The platform does not say when a consent was signed: the first time we saw the account
    # linked is the estimate, as on the user's own page (`brokers.link_status`).
    consent_expires_at: dt.datetime
    consent_lapsed: bool
    sync_problem: str
    sync_problem_label: str
    last_success_at: dt.datetime | None
    # Where the account stands, as the user's own pages say it (brokers.standing).
    standing: AccountStanding
    runs: list[SyncRun] = field(default_factory=list)

    @property
    def is_linked(self) -> bool:
        return self.status == LinkedAccount.Status.LINKED


@dataclass(frozen=True)
class SupportCase:
    user_id: int
    email: str
    date_joined: dt.datetime
    email_verified: bool
    identity_verified_at: dt.datetime | None
    is_member: bool | None
    checked_at: dt.datetime | None
    check_error_kind: str
    check_error_at: dt.datetime | None
    unknown_broker_codes: tuple[str, ...]
    connection: ConnectionFacts | None
    accounts: list[AccountFacts]
    step: Step
    alerts: list[Alert]
    next: SupportAdvice
    consent_expires_at: dt.datetime | None
    events: list[ActivityEvent]


def _connection_facts(connection: Connection | None) -> ConnectionFacts | None:
    if connection is None:
        return None
    active = connection.status == Connection.Status.ACTIVE
    return ConnectionFacts(
        status=connection.status,
        status_label=connection.get_status_display(),
        authorized=connection.is_usable,
        access_expires_at=connection.access_expires_at,
        refresh_possible=active and bool(connection.refresh_token),
        refreshed_at=connection.refreshed_at,
        last_error_kind=connection.last_error_kind,
        last_error_at=connection.last_error_at,
    )


def latest_runs(
    account_ids: list[int], *, per_account: int = RUNS_PER_ACCOUNT
) -> dict[int, list[SyncRun]]:
    """The newest runs of each account, newest first, in one query."""
    if not account_ids:
        return {}
    ranked = (
        SyncRun.objects.filter(account_id__in=account_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("account_id")],
                order_by=[F("id").desc()],
            )
        )
        .filter(rank__lte=per_account)
        .order_by("account_id", "rank")
    )
    runs: dict[int, list[SyncRun]] = {account_id: [] for account_id in account_ids}
    for run in ranked:
        runs[run.account_id].append(run)
    return runs


def _account_facts(status: LinkStatus, now: dt.datetime) -> list[AccountFacts]:
    runs = latest_runs([account.pk for account in status.every_account])
    facts = []
    for account in status.every_account:
        expires = account.consent_expires_estimate
        facts.append(
            AccountFacts(
                id=account.pk,
                broker_name=account.broker.korean_name,
                broker_short_name=account.broker.short_name,
                number_display=account.number_display,
                alias=account.alias,
                status=account.status,
                status_label=account.get_status_display(),
                linked_since=account.created_at,
                consent_expires_at=expires,
                consent_lapsed=expires <= now,
                sync_problem=account.sync_problem,
                sync_problem_label=account.get_sync_problem_display(),
                last_success_at=account.last_success_at,
                standing=status.standing.accounts[account.pk],
                runs=runs.get(account.pk, []),
            )
        )
    # Linked accounts first: they are what the user expects to see.
    facts.sort(key=lambda a: (not a.is_linked, a.broker_short_name, a.id))
    return facts


def support_case_for_user(user: User) -> SupportCase:
    """Everything the console shows about one user, from what is stored (no platform call).
    Where the user stands and the advice are the link page's (`brokers.standing`)."""
    now = timezone.now()
    status = link_status_for_user(user, may_check=False)
    check = status.check
    answered = check is not None and check.checked_at is not None
    return SupportCase(
        user_id=user.pk,
        email=user.email,
        date_joined=user.date_joined,
        email_verified=user_has_verified_email(user),
        identity_verified_at=status.identity.verified_at if status.identity else None,
        is_member=check.is_member if check is not None and answered else None,
        checked_at=check.checked_at if check else None,
        check_error_kind=check.last_error_kind if check else "",
        check_error_at=check.last_error_at if check else None,
        unknown_broker_codes=status.unknown_broker_codes,
        connection=_connection_facts(status.connection),
        accounts=_account_facts(status, now),
        step=status.step,
        alerts=list(status.alerts),
        next=support_advice(status.standing),
        consent_expires_at=status.consent_expires_at,
        events=list(activity_for_user(user, limit=EVENTS_SHOWN)),
    )


# --- the service overview (admins) -----------------------------------------------------------


@dataclass(frozen=True)
class ServiceOverview:
    connected_users: int
    accounts_by_state: dict[str, int]
    # Linked accounts whose sync stopped on a refusal only the user can fix, by reason.
    accounts_by_problem: dict[str, int]
    failed_runs_by_kind: dict[str, int]
    failed_runs_total: int
    budget_limit: int | None
    budget_remaining: int | None
    our_calls_today: int

    @property
    def budget_used(self) -> int | None:
        if self.budget_limit is None or self.budget_remaining is None:
            return None
        return self.budget_limit - self.budget_remaining


def service_overview(*, now: dt.datetime | None = None) -> ServiceOverview:
    """The figures an admin looks at first. The budget is the platform's own count (from its
    rate-limit headers, per UTC day); `our_calls_today` is what our runs recorded, as a check."""
    now = now or timezone.now()
    by_state = dict(
        LinkedAccount.objects.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    problems = dict(
        LinkedAccount.objects.filter(status=LinkedAccount.Status.LINKED)
        .exclude(sync_problem="")
        .values_list("sync_problem")
        .annotate(n=Count("id"))
        .order_by("sync_problem")
    )
    failed = dict(
        SyncRun.objects.filter(
            state=SyncRun.State.FAILED, finished_at__gte=now - FAILED_RUNS_WINDOW
        )
        .values_list("failure_kind")
        .annotate(n=Count("id"))
        .order_by("failure_kind")
    )
    utc_midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    calls = SyncRun.objects.filter(created_at__gte=utc_midnight).aggregate(n=Sum("calls_used"))
    budget = platform_budget_today()
    return ServiceOverview(
        connected_users=Connection.objects.filter(status=Connection.Status.ACTIVE)
        .values("user")
        .distinct()
        .count(),
        accounts_by_state={status: by_state.get(status, 0) for status in LinkedAccount.Status},
        accounts_by_problem=problems,
        failed_runs_by_kind=failed,
        failed_runs_total=sum(failed.values()),
        budget_limit=budget.limit if budget else None,
        budget_remaining=budget.remaining if budget else None,
        our_calls_today=calls["n"] or 0,
    )
