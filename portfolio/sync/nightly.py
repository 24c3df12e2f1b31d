"""The nightly plan: which accounts the nightly run syncs within the day's platform budget.

The platform's daily call budget is shared by every user: the plan syncs the most recently
active users first when the budget cannot cover everyone, and records the others as skipped
(`budget`). Nightly syncs are for KRX trading days only (`portfolio.trading_days`): on a
holiday the plan queues nothing and no call goes out.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, DateTimeField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from brokers.models import LinkedAccount, SyncRun
from brokers.openplatform.asset_types import ASSET_TYPES
from brokers.selectors import platform_budget_today
from portfolio.sync import runs
from portfolio.sync.enqueue import send_after_commit, syncable_accounts
from portfolio.trading_days import is_trading_day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

# The nightly plan estimates an account's cost from its recent runs.
COST_HISTORY_DAYS = 14

_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def estimated_calls(broker: Any) -> int:
    """Calls a sync of an account at this broker is expected to cost before it has a history:
    the balance in one call with ALL, else one per asset type, and a transaction window."""
    return (1 if broker.supports_all else len(ASSET_TYPES)) + 1


@dataclass
class NightlyPlan:
    """Who the nightly run syncs and who it leaves for tomorrow."""

    as_of: datetime.date
    budget_remaining: int | None  # None: the platform has not reported today's budget yet
    budget_for_syncs: int | None
    estimated_calls: int = 0
    queued: list[SyncRun] = field(default_factory=list)
    skipped: list[SyncRun] = field(default_factory=list)
    already_planned: bool = False
    holiday: bool = False  # not a KRX trading day: nothing is queued


class _Candidate(TypedDict):
    activity: datetime.datetime
    recent_cost: float | None


def _nightly_candidates(
    now: datetime.datetime,
) -> list[WithAnnotations[LinkedAccount, _Candidate]]:
    """Every syncable account with its user's last activity and its expected cost, the most
    recently active users first. Activity: the later of the last sign-in and the last "sync
    now". 1 query."""
    last_sync_now = (
        SyncRun.objects.filter(account__user=OuterRef("user"), trigger=SyncRun.Trigger.USER)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    recent_cost = (
        SyncRun.objects.filter(
            account_id=OuterRef("pk"),
            state=SyncRun.State.SUCCEEDED,
            as_of__isnull=False,
            created_at__gte=now - datetime.timedelta(days=COST_HISTORY_DAYS),
        )
        .exclude(trigger=SyncRun.Trigger.BACKFILL)
        .order_by()
        .values("account_id")
        .annotate(average=Avg("calls_used"))
        .values("average")
    )
    epoch = Value(_EPOCH, output_field=DateTimeField())
    return list(
        syncable_accounts()
        .select_related("broker")
        .annotate(
            activity=Greatest(
                Coalesce("user__last_login", epoch),
                Coalesce(Subquery(last_sync_now, output_field=DateTimeField()), epoch),
            ),
            recent_cost=Subquery(recent_cost),
        )
        .order_by("-activity", "user_id", "pk")
    )


def nightly_sync_plan(*, now: datetime.datetime | None = None) -> NightlyPlan:
    """Queue the nightly sync of every connected account, within the day's platform budget.

    The budget is what the platform last reported as remaining today, less
    SYNC_BUDGET_RESERVE kept for "sync now" and link checks. Accounts are taken in order of
    their user's last activity, each at its expected cost (its recent runs' average, or
    `estimated_calls`); from the first that does not fit, the rest are recorded as skipped
    (`budget`) so that no less active user overtakes a more active one. A plan is made once
    a day: a second call (a second beat, a re-run) queues nothing.
    """
    now = now or timezone.now()
    as_of = timezone.localdate(now)
    if not is_trading_day(as_of):
        # The KRX is shut (a weekend, 설날, 추석, an election day): nothing moved, no call.
        logger.info("nightly sync: %s is not a KRX trading day; nothing queued", as_of)
        return NightlyPlan(as_of=as_of, budget_remaining=None, budget_for_syncs=None, holiday=True)
    budget = platform_budget_today()
    remaining = budget.remaining if budget is not None else None
    available = None if remaining is None else max(0, remaining - settings.SYNC_BUDGET_RESERVE)
    plan = NightlyPlan(as_of=as_of, budget_remaining=remaining, budget_for_syncs=available)
    if not cache.add(f"sync:nightly:{as_of.isoformat()}", "1", 36 * 60 * 60):
        plan.already_planned = True
        return plan
    trigger = SyncRun.Trigger.NIGHTLY
    with transaction.atomic():
        over_budget = False
        for account in _nightly_candidates(now):
            cost = round(account.recent_cost or estimated_calls(account.broker))
            if available is not None and plan.estimated_calls + cost > available:
                over_budget = True
            if over_budget:
                plan.skipped.append(
                    runs.run_skipped(account_id=account.pk, trigger=trigger, kind=runs.BUDGET)
                )
                continue
            plan.estimated_calls += cost
            plan.queued.append(runs.run_queue(account_id=account.pk, trigger=trigger))
        send_after_commit(plan.queued, trigger=trigger)
    logger.info(
        "nightly sync: %s queued (about %s calls), %s skipped for the budget (remaining %s)",
        len(plan.queued),
        plan.estimated_calls,
        len(plan.skipped),
        remaining,
    )
    return plan


@shared_task(name="portfolio.sync_nightly")
def sync_nightly_task() -> dict[str, Any]:
    """Beat, weekdays 18:30 KST (after market close): queue every connected account's sync,
    the most recently active users first when the day's platform budget is short. No upstream
    call itself; the accounts' syncs cost what `account_sync_task` says. (Here rather than in
    `portfolio.sync.tasks`, which the enqueue service imports: the graph stays one way.)"""
    plan = nightly_sync_plan()
    return {
        "queued": len(plan.queued),
        "skipped": len(plan.skipped),
        "estimated_calls": plan.estimated_calls,
        "budget_remaining": plan.budget_remaining,
        "already_planned": plan.already_planned,
    }
