"""The seed document's example answers, replayed byte for byte through a whole sync.

The platform's counts are loose (the seed's own transaction example announces `count` 30 and
`totalCnt` 120 with a next page key and lists 7 rows; its balance example announces 157 and
lists 20 items): a sync stores every row the pages hold, records the counts in its run, and
rejects only what breaks the contract (an answer for another account). These tests script the
platform with the verbatim payloads of `tests/brokers/payloads/`.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from brokers.errors import CONTRACT, TRANSIENT
from brokers.models import SyncRun
from portfolio.models import DailyValuation, Holding, Transaction
from portfolio.returns import Period, time_weighted_return
from portfolio.selectors.performance import (
    overview_figures,
    total_performance_for_user,
    valuations_for_user,
)
from portfolio.sync.account import account_sync
from tests.brokers.conftest import scripted, scripted_client  # noqa: F401 - fixtures
from tests.brokers.payloads.balance import BALANCE_RESPONSE
from tests.brokers.payloads.interest import INTEREST_RESPONSE
from tests.brokers.payloads.transactions import TRANSACTION_RESPONSE
from tests.brokers.scripted import Answer
from tests.factories import ConnectionFactory, IdentityFactory, LinkedAccountFactory

pytestmark = pytest.mark.django_db

OK = {"respCode": "200", "respMsg": "OK"}
SEED_DAY = datetime.date(2016, 7, 20)  # the transaction example's toDate
TRANSACTION_ACCOUNT = "160731060768600001"  # the transaction example's accInfo.vtAccNo
BALANCE_ACCOUNT = "160678007213500001"  # the balance example's accInfo.vtAccNo
NEXT_KEY = "201603100000000961"  # the transaction example's next page key


def _last_transaction_page() -> str:
    """The seed's transaction answer as the last page: no rows, and `page` "null"."""
    answer = json.loads(TRANSACTION_RESPONSE)
    answer["transactionHistoryResponseBody"]["queryResult"]["page"] = "null"
    answer["transList"]["transaction"] = []
    return json.dumps(answer, ensure_ascii=False)


def _small_balance(cash: int = 1000) -> dict:
    return {
        "balanceResponseBody": {"queryResult": {"totalCnt": 0, "count": 0, "page": "null"}},
        "balanceList": {"balance": {"summary": {"cashBalance": cash, "totalAccVal": cash}}},
        "resp": OK,
    }


NO_TRANSACTIONS = {
    "transactionHistoryResponseBody": {"queryResult": {"count": 0, "page": "null"}},
    "transList": {"transaction": []},
    "resp": OK,
}
NO_WATCHLIST = {"interestSymbolListResponseBody": {"groupList": {"group": []}}, "resp": OK}


def _account(vt_acc_no: str):
    identity = IdentityFactory(user__email="alice@example.com")
    ConnectionFactory(user=identity.user)
    return LinkedAccountFactory(
        user=identity.user, vt_acc_no=vt_acc_no, vt_acc_no_last4=vt_acc_no[-4:]
    )


def _service(request) -> str:
    return request.path.split("/")[4]


def _page(request) -> str:
    return request.json()["transactionHistoryRequestBody"]["queryParams"]["page"]


def _sync(account, client, day=SEED_DAY):
    outcome = account_sync(
        account_id=account.pk, trigger=SyncRun.Trigger.USER, as_of=day, upstream=client
    )
    return outcome, SyncRun.objects.get(pk=outcome.run_id)


def test_the_seed_transaction_example_over_two_pages_stores_all_seven_rows(
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    account = _account(TRANSACTION_ACCOUNT)

    def script(request):
        service = _service(request)
        if service == "balance":
            return Answer(200, _small_balance())
        if service == "transaction":
            if _page(request) == NEXT_KEY:
                return Answer(200, _last_transaction_page())
            return Answer(200, TRANSACTION_RESPONSE)  # verbatim
        return Answer(200, INTEREST_RESPONSE)

    scripted.script = script

    outcome, run = _sync(account, scripted_client)

    assert outcome.state == SyncRun.State.SUCCEEDED
    assert [_page(r) for r in scripted.requests if _service(r) == "transaction"] == ["", NEXT_KEY]
    stored = Transaction.objects.filter(account=account).order_by("date", "ordinal")
    assert [(t.date.isoformat(), t.type, t.change_amount) for t in stored] == [
        ("2016-01-26", "DEP", Decimal("14399400")),
        ("2016-01-26", "ASK", Decimal("-14399400")),
        ("2016-02-02", "DEP", Decimal("100")),
        ("2016-02-02", "ETC", Decimal("-100")),
        *[(t.date.isoformat(), t.type, t.change_amount) for t in stored[4:]],
    ]
    assert stored.count() == 7
    note = next(n for n in run.detail["paging"] if n["query"].startswith("transaction"))
    assert note == {
        "query": "transaction 20150721-20160720",
        "pages": 2,
        "items": 7,
        "total_cnt": 120,
        "count": [30, 30],
        "ended": "end",
        "restarts": 0,
    }
    assert run.detail["transactions"]["inserted"] == 7


def test_the_seed_balance_example_stores_all_twenty_lines_and_every_summary_field(
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    account = _account(BALANCE_ACCOUNT)

    def script(request):
        service = _service(request)
        if service == "balance":
            return Answer(200, BALANCE_RESPONSE)  # verbatim: 157 announced, 20 sent
        if service == "transaction":
            return Answer(200, NO_TRANSACTIONS)
        return Answer(200, NO_WATCHLIST)

    scripted.script = script

    outcome, run = _sync(account, scripted_client)

    assert outcome.state == SyncRun.State.SUCCEEDED
    assert run.detail["holdings"] == 20
    # Twenty lines, twenty distinct positions (none repeats a product and trade type).
    assert Holding.objects.filter(account=account).count() == 20
    valuation = DailyValuation.objects.get(account=account, date=SEED_DAY)
    assert (
        valuation.cash,
        valuation.cash_d1,
        valuation.cash_d2,
        valuation.substitute,
        valuation.receivable,
        valuation.subs_margin,
        valuation.loan_credit,
        valuation.purchase_value,
        valuation.securities_value,
        valuation.profit_loss,
        valuation.total_value,
        valuation.cash_withdrawable,
    ) == (
        Decimal("6976542"),
        Decimal("6976542"),
        Decimal("6976542"),
        Decimal("98163580"),
        Decimal("0"),
        Decimal("762635"),
        Decimal("0"),
        Decimal("369827563509"),
        Decimal("389165300498"),
        Decimal("19337736989"),
        Decimal("389172277040"),
        Decimal("6976542"),
    )
    assert run.detail["paging"][0] == {
        "query": "balance ALL",
        "pages": 1,
        "items": 20,
        "total_cnt": 157,
        "count": [157],
        "ended": "end",
        "restarts": 0,
    }


def test_an_answer_for_another_account_is_a_contract_error_and_stores_nothing(
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    account = _account("160678007213599999")  # asked; the seed answer names ...500001
    scripted.script = lambda request: Answer(200, BALANCE_RESPONSE)

    outcome, run = _sync(account, scripted_client)

    assert (outcome.state, outcome.failure_kind) == (SyncRun.State.FAILED, CONTRACT)
    assert run.failure_kind == CONTRACT
    assert "another virtual account" in run.message
    assert not DailyValuation.objects.filter(account=account).exists()
    assert not Holding.objects.filter(account=account).exists()
    assert len(scripted.requests) == 1  # permanent: nothing asked after it


def test_an_echo_with_stray_spaces_is_the_same_account(
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    account = _account(BALANCE_ACCOUNT)
    spaced = BALANCE_RESPONSE.replace(f'"{BALANCE_ACCOUNT}"', f'" {BALANCE_ACCOUNT} "')
    scripted.script = lambda request: Answer(
        200,
        spaced
        if _service(request) == "balance"
        else (NO_TRANSACTIONS if _service(request) == "transaction" else NO_WATCHLIST),
    )

    outcome, _ = _sync(account, scripted_client)

    assert outcome.state == SyncRun.State.SUCCEEDED


def test_a_balance_read_whole_is_kept_when_its_transactions_fail_and_a_deposit_is_never_a_gain(
    scripted,  # noqa: F811
    scripted_client,  # noqa: F811
):
    account = _account(TRANSACTION_ACCOUNT)
    day1, day2 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 3)
    state = {"cash": 1000, "transactions": "ok", "rows": []}

    def script(request):
        service = _service(request)
        if service == "balance":
            return Answer(200, _small_balance(state["cash"]))
        if service == "transaction":
            if state["transactions"] == "down":
                return Answer(503, {"code": 3600, "message": "service unavailable."})
            body = json.loads(json.dumps(NO_TRANSACTIONS))
            body["transList"]["transaction"] = state["rows"]
            return Answer(200, body)
        return Answer(200, NO_WATCHLIST)

    scripted.script = script
    assert _sync(account, scripted_client, day1)[0].state == SyncRun.State.SUCCEEDED

    # Day 2: 500 deposited, the balance shows it, the transactions do not answer.
    state.update(cash=1500, transactions="down")
    outcome, run = _sync(account, scripted_client, day2)

    assert (outcome.state, outcome.failure_kind) == (SyncRun.State.FAILED, TRANSIENT)
    assert outcome.retry_after is not None
    assert run.detail["kept"] == "balance" and run.detail["transactions"] == {"failed": TRANSIENT}
    today = DailyValuation.objects.get(account=account, date=day2)
    assert (today.total_value, today.flows_pending) == (Decimal("1500"), True)
    account.refresh_from_db()
    assert account.synced_as_of == day2
    assert account.transactions_synced_through == day1
    series = valuations_for_user(user=account.user, start=None, end=day2)[account.pk]
    assert time_weighted_return(series) is None  # the 500 is not counted as a 50 % gain
    performance = total_performance_for_user(user=account.user, period=Period.ALL, as_of=day2)
    figures = overview_figures(performance=performance, latest=[today])
    assert (figures.total_value, figures.day_change, figures.twr) == (Decimal(1500), None, None)

    # The transactions come back: the deposit is read, the day settles, the return is 0.
    state.update(
        transactions="ok",
        rows=[{"transDate": "20261103", "transType": "DEP", "changeAmt": 500, "changeQty": 0}],
    )
    outcome, run = _sync(account, scripted_client, day2)

    assert outcome.state == SyncRun.State.SUCCEEDED
    today.refresh_from_db()
    assert (today.inflow, today.flows_pending) == (Decimal("500"), False)
    series = valuations_for_user(user=account.user, start=None, end=day2)[account.pk]
    assert time_weighted_return(series) == Decimal(0)
