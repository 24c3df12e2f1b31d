"""Writing what one sync read, the account's sync state and the run's end, in one transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from brokers.models import LinkedAccount
from brokers.upstream import Balance
from portfolio.services.holdings import account_balance_apply, account_ratios_apply
from portfolio.services.transactions import account_transactions_replace
from portfolio.services.valuations import account_flows_pending_mark, account_flows_settle
from portfolio.services.watchlists import account_watchlist_replace
from portfolio.sync import runs
from portfolio.sync.fetch import Fetched


def write_fetched(
    account: LinkedAccount, fetched: Fetched, as_of: datetime.date, *, run_id: int, calls: int
) -> dict[str, Any]:
    """Write one sync's data, the account's sync state and the run's success, atomically.
    A fixed number of statements, whatever the number of holdings or transactions."""
    detail: dict[str, Any] = {"moved": fetched.moved}
    if fetched.paging:
        detail["paging"] = list(fetched.paging)
    with transaction.atomic():
        answer = fetched.answer
        if isinstance(answer, Balance):
            applied = account_balance_apply(
                account=account,
                as_of=as_of,
                summary=answer.summary,
                equities=answer.equities,
                funds=answer.funds,
                others=answer.others,
                lists_complete=answer.complete,
            )
            detail["source"] = "balance"
        else:
            applied = account_ratios_apply(account=account, as_of=as_of, portfolio=answer)
            detail["source"] = "portfolio"
        detail["holdings"] = len(answer.equities) + len(answer.funds) + len(answer.others)
        detail.update(opened=applied.opened, closed=applied.closed, stale_answer=applied.stale)
        if not answer.complete:
            detail["lists_complete"] = False
        now = timezone.now()
        if not fetched.complete:
            return _write_partial(account, fetched, as_of, applied.stale, detail, run_id, calls)
        state: dict[str, Any] = {
            "last_success_at": now,
            "sync_problem": "",
            "sync_problem_at": None,
        }
        if not applied.stale:
            state.update(synced_as_of=as_of, balance_fingerprint=fetched.fingerprint)
        if fetched.window is not None:
            start, end = fetched.window
            replaced = account_transactions_replace(
                account=account, start=start, end=end, transactions=fetched.transactions
            )
            detail["transactions"] = {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "read": len(fetched.transactions),
                "inserted": replaced.inserted,
                "deleted": replaced.deleted,
                "outside_window": fetched.dropped,
            }
            state["transactions_synced_through"] = end
            if account.flows_pending_from is not None:
                account_flows_settle(account=account, through=end)
                state["flows_pending_from"] = None
        if fetched.watchlist is not None:
            detail["watch_groups"] = account_watchlist_replace(
                account=account, groups=fetched.watchlist
            )
            state["watchlist_synced_on"] = as_of
        LinkedAccount.objects.filter(pk=account.pk).update(**state)
        runs.run_succeed(run_id=run_id, calls_used=calls, detail=detail, now=now)
    return detail


def _write_partial(
    account: LinkedAccount,
    fetched: Fetched,
    as_of: datetime.date,
    stale: bool,
    detail: dict[str, Any],
    run_id: int,
    calls: int,
) -> dict[str, Any]:
    """The rest of `write_fetched` (inside its transaction) when the transactions failed: the
    balance stays, its flows are pending, nothing that would skip the next read is advanced,
    and the run fails with the transactions' error and says what was kept."""
    error = fetched.transactions_error
    if error is None:
        raise ValueError("only a partial fetch (one whose transactions failed) is kept in part")
    account_flows_pending_mark(account=account, as_of=as_of)
    detail["kept"] = "balance"
    detail["transactions"] = {"failed": error.kind}
    if error.retry_after is not None:
        detail["retry_after"] = error.retry_after
    state: dict[str, Any] = {"flows_pending_from": account.flows_pending_from or as_of}
    if not stale:
        state["synced_as_of"] = as_of
    LinkedAccount.objects.filter(pk=account.pk).update(**state)
    done = runs.run_fail(
        run_id=run_id,
        kind=error.kind,
        calls_used=calls,
        message=f"balance kept; transactions not read: {error.message}",
        platform_code=error.code,
        detail=detail,
    )
    if not done:
        raise runs.ClaimLost(f"run {run_id} was no longer running")
    return detail
